/** Types of scripts/test-environment.js, for the suite's global setup and tests. */
export declare const CHROMIUM_VARIABLE: 'ATTAIN_CHROMIUM';
export declare const DATABASE_VARIABLE: 'ATTAIN_TEST_DATABASE_URL';
export declare const LOCAL_DATABASE_URL: string;
export declare class MissingPrerequisite extends Error {}
export declare function findChromium(env?: NodeJS.ProcessEnv): string | undefined;
export declare function ensureChromium(): string;
export declare function answers(url: string): Promise<boolean>;
export declare function choosePostgres(env?: NodeJS.ProcessEnv): Promise<string | undefined>;
export declare function startEmbeddedPostgres(): Promise<{ readonly url: string; readonly stop: () => Promise<void> }>;
