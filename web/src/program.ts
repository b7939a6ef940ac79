/** Names from the program definition (GET /api/v1/programs/…/versions/…), per version, in the dashboard's language. */
import { useEffect, useState } from 'react';
import { request, type ProgramDefinitionDocument, type ProgramVersionDocument } from './api.ts';
import type { Texts } from './i18n.tsx';

const PROGRAM = 'microsoft-partner-network';
const cache = new Map<string, Promise<ProgramDefinitionDocument | null>>();

function load(version: string): Promise<ProgramDefinitionDocument | null> {
  let found = cache.get(version);
  if (!found) {
    found = request<ProgramVersionDocument>('GET', `/api/v1/programs/${PROGRAM}/versions/${version}`)
      .then((r) => r.definition)
      .catch(() => null);
    cache.set(version, found);
  }
  return found;
}

/** Asks for a version's definition ahead of the page that names it (kept, as every definition asked for). */
export function preloadDefinition(version: string): void {
  void load(version);
}

export function useDefinition(version: string | undefined): ProgramDefinitionDocument | null {
  const [definition, setDefinition] = useState<ProgramDefinitionDocument | null>(null);
  useEffect(() => {
    if (!version) return;
    let live = true;
    void load(version).then((d) => live && setDefinition(d));
    return () => {
      live = false;
    };
  }, [version]);
  return definition;
}

/** Names of options, levels, requirements, exams and markets; the id where the definition is not loaded. */
export class Names {
  constructor(
    private readonly definition: ProgramDefinitionDocument | null,
    private readonly tx: Texts,
  ) {}

  private competencyOf(competency: string) {
    return this.definition?.competencies.find((c) => c.id === competency);
  }

  option(competency: string, option: string): string {
    const found = this.competencyOf(competency)?.options.find((o) => o.id === option);
    return this.tx.text(found?.name, option);
  }

  level(competency: string, option: string, level: string | null): string {
    if (level === null) return this.tx.t('level.none');
    const found = this.competencyOf(competency)
      ?.options.find((o) => o.id === option)
      ?.levels.find((l) => l.id === level);
    return this.tx.text(found?.name, level);
  }

  requirement(competency: string, option: string, level: string, requirement: string): string {
    const levels = this.competencyOf(competency)?.options.find((o) => o.id === option)?.levels;
    const found = levels?.find((l) => l.id === level)?.requirements;
    for (const r of found ?? []) {
      if (r.id === requirement) return this.tx.text(r.name, requirement);
      const alternative = r.kind === 'any-of' ? r.alternatives.find((a) => a.id === requirement) : undefined;
      if (alternative) return this.tx.text(alternative.name, requirement);
    }
    return requirement;
  }

  exam(exam: string): string {
    return this.tx.text(this.definition?.exams?.find((e) => e.id === exam)?.title, exam);
  }

  market(market: string): string {
    return this.tx.text(this.definition?.markets?.find((m) => m.id === market)?.name, market);
  }
}
