/**
 * The application layer (src/app): one definition of today for every entry
 * point, and use cases that fail by kind with problems naming the caller's
 * own inputs, whatever the caller.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { judgeable } from '../src/app/data.js';
import { evaluation, forecast, plan, qualifications, timeline, timelineRange } from '../src/app/reports.js';
import { CLI_INPUTS as CLI } from '../src/cli/inputs.js';
import { API_INPUTS as API } from '../src/http/routes/partners.js';
import { today } from '../src/app/today.js';
import { asIsoDate, type IsoDate } from '../src/engine/index.js';
import { readJsonFile } from '../src/files/dataset-file.js';
import { loadProgram } from '../src/files/program-files.js';
import { call, startServer } from './support/http.js';
import { runCli } from './support/cli.js';

const EXAMPLE = 'examples/cloud-business-applications.json';
const day = (text: string): IsoDate => asIsoDate(text)!;

function exampleData() {
  const judged = judgeable(readJsonFile(EXAMPLE), loadProgram(), EXAMPLE);
  if (!judged.ok) throw new Error('the example does not validate');
  return judged.value;
}

describe('today', () => {
  const zone = process.env.TZ;
  afterEach(() => {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  });

  it('is the UTC calendar day of the moment, at both ends of the day', () => {
    expect(today(new Date('2017-07-07T00:00:00Z'))).toBe('2017-07-07');
    expect(today(new Date('2017-07-07T23:59:59.999Z'))).toBe('2017-07-07');
    expect(today(new Date('2017-07-06T23:30:00-05:00'))).toBe('2017-07-07');
    expect(today(new Date('2016-02-29T12:00:00Z'))).toBe('2016-02-29');
  });

  it('does not depend on the machine’s time zone', () => {
    const moment = new Date('2017-07-07T12:00:00Z');
    for (const tz of ['Pacific/Kiritimati', 'Pacific/Pago_Pago', 'Asia/Taipei', 'UTC']) {
      process.env.TZ = tz;
      expect(today(moment)).toBe('2017-07-07');
    }
  });

  it('is the default as-of date of the command line, where the local calendar already says tomorrow', async () => {
    process.env.TZ = 'Pacific/Kiritimati'; // UTC+14: local date 2017-07-08 at this moment
    const run = await runCli(['evaluate', EXAMPLE, '--format', 'json'], { now: new Date('2017-07-07T12:00:00Z') });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).asOf).toBe('2017-07-07');
  });

  it('is the default as-of date of the API, and both answer alike at one moment', async () => {
    const moment = new Date('2017-07-07T12:00:00Z');
    const server = await startServer({ server: { today: () => today(moment) } });
    try {
      const answer = await call(server, 'GET', '/api/v1/partners/P-CONTOSO/evaluation', { token: server.tokens.admin });
      expect(answer.status).toBe(200);
      const cli = await runCli(['evaluate', EXAMPLE, '--partner', 'P-CONTOSO', '--format', 'json'], { now: moment });
      expect(answer.json.asOf).toBe(JSON.parse(cli.stdout).asOf);
      expect(answer.json.asOf).toBe('2017-07-07');
    } finally {
      await server.close();
    }
  });
});

describe('use cases', () => {
  const data = exampleData();

  it('name the caller’s own inputs in their problems', () => {
    const before = { asOf: day('2017-01-01') };
    for (const names of [CLI, API]) {
      const result = evaluation(data, undefined, before, names);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.kind).toBe('rules');
      expect(result.problems[0]!.record).toBe(names.asOf);
    }
  });

  it('fail by kind: an unknown partner, a version that is not one, a level that is not one, a range backwards', () => {
    const asOf = day('2017-11-01');
    const unknown = forecast(data, 'P-NOBODY', { asOf }, CLI);
    expect(!unknown.ok && unknown.kind).toBe('partner');
    const version = qualifications(data, 'P-CONTOSO', { asOf, programVersion: day('2017-08-01') }, API);
    expect(!version.ok && version.kind).toBe('rules');
    expect(!version.ok && version.problems[0]!.record).toBe('programVersion');
    const target = plan(data, 'P-CONTOSO', { asOf }, ['no-such-option/gold'], API);
    expect(!target.ok && target.kind).toBe('target');
    expect(!target.ok && target.problems[0]!.record).toBe('target');
    const range = timelineRange('2017-12-01', '2017-01-01', 'month', CLI);
    expect(!range.ok && range.kind).toBe('dates');
    expect(!range.ok && range.problems[0]!.record).toBe('--to');
  });

  it('judge a timeline from its first date: before the first version is a rules failure naming `from`', () => {
    const range = timelineRange('2017-01-01', '2017-12-01', 'month', API);
    expect(range.ok).toBe(true);
    if (!range.ok) return;
    const result = timeline(data, 'P-CONTOSO', range.value, undefined, API);
    expect(!result.ok && result.kind).toBe('rules');
    expect(!result.ok && result.problems[0]!.record).toBe('from');
  });

  it('give what the engine gives once the inputs are good', () => {
    const result = plan(data, 'P-CONTOSO', { asOf: day('2017-11-01') }, [], CLI);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.version.effectiveFrom).toBe('2017-10-13');
    expect(result.value.result.partnerId).toBe('P-CONTOSO');
  });

  it('refuse invalid data as a data failure naming its source', () => {
    const judged = judgeable({ partners: [{ id: 'P-1', name: 'One', country: 'XX' }] }, loadProgram(), 'bad.json');
    expect(judged.ok).toBe(false);
    if (judged.ok) return;
    expect(judged.kind).toBe('data');
    expect(judged.source).toBe('bad.json');
    expect(judged.problems.length).toBeGreaterThan(0);
  });
});
