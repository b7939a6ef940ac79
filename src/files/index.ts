/** Reading program definitions and datasets from disk: the file adapter around the engine. */
export {
  DEFAULT_PROGRAM_PATH,
  loadProgram,
  readProgramDefinitions,
  type ProgramDefinitions,
  type VersionDefinition,
} from './program-files.js';
export { loadDataset, readJsonFile } from './dataset-file.js';
