/**
 * The requirement page of one competency, as Markdown: what a partner must do
 * to attain each level of each option, in the reader's language. Every word a
 * reader sees comes from the `docs` catalog or from the definition (names in
 * the translator's locale); numbers, money and dates are formatted by the
 * translator. Pure: the same version, competency and locale give the same page.
 */
import type { Translator } from '../i18n/index.js';
import type {
  CertifiedPeopleRequirement,
  Competency,
  Exam,
  ExamSet,
  Level,
  Option,
  PageRevision,
  ProgramVersion,
  Requirement,
  RevenueRequirement,
  SingleRequirement,
} from '../engine/program/model.js';

/** Nested Markdown blocks are indented by four spaces, as the published pages do. */
const INDENT = 4;

export function renderRequirementsPage(version: ProgramVersion, competencyId: string, tr: Translator): string {
  const competency = version.competencies.find((c) => c.id === competencyId);
  if (!competency) {
    const known = version.competencies.map((c) => c.id).join(', ');
    throw new RangeError(`no competency "${competencyId}" in ${version.id} ${version.effectiveFrom} (competencies: ${known})`);
  }
  const page = new Page(version, tr);
  const lines: string[] = [`# ${anchor(competency.id)}${page.text(competency.name)}`, ''];
  if (competency.description) lines.push(page.text(competency.description), '');
  lines.push(tr.t('docs.effectiveFrom', { program: page.text(version.name), date: tr.date(version.effectiveFrom) }), '');
  lines.push(...page.provenance(), '');
  for (const option of competency.options) lines.push(`- [${page.text(option.name)}](#${optionAnchor(option)})`);
  lines.push('');
  for (const option of competency.options) lines.push('', ...page.option(competency, option));
  lines.push('', ...page.notes());
  return `${trimBlankLines(lines).join('\n')}\n`;
}

class Page {
  constructor(
    private readonly version: ProgramVersion,
    private readonly tr: Translator,
  ) {}

  /** A definition text in the page's locale, safe inside Markdown. */
  text(value: Parameters<Translator['text']>[0]): string {
    return escapeMarkdown(this.tr.text(value));
  }

  /** Where the rules were read, so a reader can check them against the page itself. */
  provenance(): string[] {
    const { source, publicationEnded } = this.version;
    const lines: string[] = [];
    if (typeof source === 'string') lines.push(this.tr.t('docs.source.text', { source: escapeMarkdown(source) }));
    else if (source) lines.push(this.pageSource(source));
    if (publicationEnded) lines.push('', this.tr.t('docs.publicationEnded', { date: this.tr.date(publicationEnded.on) }));
    return lines;
  }

  private pageSource(source: PageRevision): string {
    return this.tr.t('docs.source.page', {
      handoff: this.tr.date(source.handoff),
      repository: escapeMarkdown(source.repository),
      path: escapeMarkdown(source.path),
      commit: source.commit.slice(0, 7),
      link: url(`https://github.com/${source.repository}/blob/${source.commit}/${source.path}`),
    });
  }

  /** The page's errata and the readings Attain made of it. */
  notes(): string[] {
    if (this.version.notes.length === 0) return [];
    const lines = [`## ${anchor('notes')}${this.tr.t('docs.notes.heading')}`, ''];
    for (const note of this.version.notes) lines.push(`- ${this.tr.t(`docs.note.${note.kind}`, { text: this.text(note.text) })}`);
    return lines;
  }

  option(competency: Competency, option: Option): string[] {
    const competencyName = this.text(competency.name);
    const intro = option.description
      ? this.tr.t('docs.option.intro', { description: this.text(option.description), competency: competencyName })
      : this.tr.t('docs.option.complete', { competency: competencyName });
    const lines = [`## ${anchor(optionAnchor(option))}${this.text(option.name)}`, '', intro, ''];
    for (const level of option.levels) lines.push(...this.level(option, level), '');
    return lines;
  }

  private level(option: Option, level: Level): string[] {
    const revenue = level.requirements.filter((r): r is RevenueRequirement => r.kind === 'revenue');
    const steps: { text: string; body: string[] }[] = [];
    if (revenue.length > 0) steps.push({ text: this.tr.t('docs.revenue.step'), body: this.revenue(revenue) });
    for (const requirement of level.requirements) {
      if (requirement.kind !== 'revenue') steps.push(this.step(requirement));
    }
    const lines = [`### ${anchor(`${option.id}-${level.id}`)}${this.text(level.name)}`, ''];
    steps.forEach((step, i) => lines.push(...item(`${i + 1}.`, step.text, step.body), ''));
    return lines;
  }

  private step(requirement: Exclude<Requirement, RevenueRequirement>): { text: string; body: string[] } {
    if (requirement.kind === 'certified-people') return this.peopleStep(requirement);
    const body: string[] = [];
    requirement.alternatives.forEach((alternative, i) => {
      if (i > 0) body.push(this.tr.t('docs.anyOf.or'), '');
      const step = this.alternative(alternative);
      body.push(...item('-', step.text, step.body), '');
    });
    return { text: this.tr.t('docs.anyOf.step', { count: requirement.alternatives.length }), body };
  }

  private alternative(requirement: SingleRequirement): { text: string; body: string[] } {
    return requirement.kind === 'revenue'
      ? { text: this.tr.t('docs.revenue.step'), body: this.revenue([requirement]) }
      : this.peopleStep(requirement);
  }

  /** Per market, one bullet per threshold; then the association the revenue must come through. */
  private revenue(requirements: readonly RevenueRequirement[]): string[] {
    const lines: string[] = [];
    for (const market of this.version.markets) {
      const bullets = requirements.flatMap((requirement) => {
        const cents = requirement.minimumCents.get(market.id);
        return cents === undefined ? [] : [`- ${this.threshold(requirement, cents)}`];
      });
      // A market the page gave no threshold is named, so its partners read why they attain nothing.
      if (bullets.length === 0) bullets.push(`- ${this.tr.t('docs.market.noThreshold')}`);
      lines.push(...item('-', `**${this.text(market.name)}**`, bullets), '');
    }
    for (const id of new Set(requirements.map((r) => r.attribution))) {
      const association = this.version.associationTypes.get(id);
      lines.push(`- ${this.tr.t('docs.association.required', { association: association ? this.text(association.name) : id })}`);
      if (association?.link) lines.push(`- ${this.tr.t('docs.association.learnMore', { link: url(association.link) })}`);
    }
    return lines;
  }

  private threshold(requirement: RevenueRequirement, cents: number): string {
    const products = requirement.products.map((id) => {
      const product = this.version.products.get(id);
      if (!product) return escapeMarkdown(id);
      const name = this.text(product.name);
      return product.components.length > 0 ? this.tr.t('docs.revenue.productWithComponents', { product: name }) : name;
    });
    return this.tr.t('docs.revenue.threshold', {
      amount: this.tr.t('docs.amount', { amount: pageAmount(this.tr.locale, cents) }),
      netNew: requirement.netNewOnly,
      cloud: requirement.cloud,
      products: this.tr.list(products),
    });
  }

  private peopleStep(requirement: CertifiedPeopleRequirement): { text: string; body: string[] } {
    const body: string[] = [];
    requirement.examSets.forEach((set, i) => {
      if (i > 0) body.push(this.tr.t('docs.people.and'), '');
      const subject = i === 0 ? 'first' : requirement.samePeople ? 'same' : 'sameOrDifferent';
      body.push(`- ${this.examSetIntro(subject, requirement.people, set)}`, ...indent(this.exams(set), INDENT), '');
    });
    return { text: this.tr.t('docs.people.step', { people: requirement.people }), body };
  }

  private examSetIntro(subject: 'first' | 'same' | 'sameOrDifferent', people: number, set: ExamSet): string {
    const quantity = set.minimum >= set.exams.length ? 'all' : set.minimum === 1 ? 'one' : 'some';
    return this.tr.t(`docs.people.set.${subject}`, { people, quantity, minimum: set.minimum });
  }

  private exams(set: ExamSet): string[] {
    return set.exams.map((id) => {
      const exam = this.version.exams.get(id);
      const label = exam?.link ? `[${escapeMarkdown(id)}](${url(exam.link)})` : escapeMarkdown(id);
      const title = exam ? this.text(exam.title) : '';
      const annotations = exam ? this.annotations(exam) : [];
      return annotations.length === 0
        ? `- ${this.tr.t('docs.exam', { exam: label, title })}`
        : `- ${this.tr.t('docs.exam.annotated', { exam: label, title, annotations: annotations.join('; ') })}`;
    });
  }

  /** What limits an exam's passes: since when it is offered, until when it counts, which predecessor counts too. */
  private annotations(exam: Exam): string[] {
    const found: string[] = [];
    if (exam.availableFrom) found.push(this.tr.t('docs.exam.availableFrom', { month: monthOf(this.tr.locale, exam.availableFrom) }));
    const retires = exam.retires === undefined ? undefined : this.tr.date(exam.retires);
    const acceptedUntil = exam.acceptedUntil === undefined ? undefined : this.tr.date(exam.acceptedUntil);
    if (retires !== undefined && acceptedUntil !== undefined) found.push(this.tr.t('docs.exam.retiring', { retires, acceptedUntil }));
    else if (retires !== undefined) found.push(this.tr.t('docs.exam.retires', { retires }));
    else if (acceptedUntil !== undefined) found.push(this.tr.t('docs.exam.acceptedUntil', { acceptedUntil }));
    if (exam.acceptsPassesOf.length > 0) {
      found.push(this.tr.t('docs.exam.acceptsPassesOf', { exams: this.tr.list(exam.acceptsPassesOf.map(escapeMarkdown)) }));
    }
    return found;
  }
}

/** A threshold as the published pages write it: whole dollars without cents. */
function pageAmount(locale: string, cents: number): string {
  const whole = cents % 100 === 0;
  return new Intl.NumberFormat(locale, { minimumFractionDigits: whole ? 0 : 2, maximumFractionDigits: whole ? 0 : 2 }).format(cents / 100);
}

/** A month YYYY-MM, written the locale's way ("November 2017"). */
function monthOf(locale: string, month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, 1)));
}

function optionAnchor(option: Option): string {
  return option.id;
}

/** An anchor in front of a heading, so that the links of the page work in any renderer. */
function anchor(id: string): string {
  return `<a id="${id.replace(/[^A-Za-z0-9_-]/g, '-')}"></a>`;
}

/** A list item: the marker and text, then its blocks indented under it. */
function item(marker: string, text: string, body: readonly string[]): string[] {
  const blocks = trimBlankLines(body);
  return blocks.length === 0 ? [`${marker} ${text}`] : [`${marker} ${text}`, '', ...indent(blocks, INDENT)];
}

function indent(lines: readonly string[], by: number): string[] {
  const pad = ' '.repeat(by);
  return lines.map((line) => (line === '' ? '' : `${pad}${line}`));
}

/** No blank line at either end, and never two in a row. */
function trimBlankLines(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    if (line === '' && (out.length === 0 || out.at(-1) === '')) continue;
    out.push(line);
  }
  while (out.at(-1) === '') out.pop();
  return out;
}

/** Definition texts are plain text: characters Markdown would read as syntax are escaped. */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>]/g, (c) => `\\${c}`);
}

/** A link target that cannot end the Markdown link early. */
function url(link: string): string {
  return link.replace(/[\s()<>]/g, (c) => encodeURIComponent(c));
}
