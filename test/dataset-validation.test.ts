import { it } from 'vitest';
import { formatProblem } from '../src/engine/index.js';
import { problemsOf, partner, customer, dpor, line, person, passes, program } from './support/builders.js';
it('probe', () => {
  for (const v of [
    { partners: [{ id: 'P1', name: 5, extra: 1, zzz: 2 }] },
    { partners: [partner('P1')], customers: [customer('C1')], associations: [dpor('C1', 'P1', '2017-01-01', '2016-12-31'), dpor('C1', 'P1', '2017-01-01', '2017-01-01')] },
    { partners: [partner('P1')], fxRates: [{ currency: 'USD', month: '2017-01', usdPerUnit: '1.0' }, { currency: 'EUR', month: '2017-1', usdPerUnit: '-0.5' }] },
  ]) console.log(problemsOf(v).map((p) => `[${p.field}] ` + formatProblem(p)).join('\n  '));
  console.log([...program.products.keys()], program.countries.get('US'), program.countries.get('IN'));
});
