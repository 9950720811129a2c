declare const __ECSDEPLOY_VERSION__: string | undefined;

/** The tool version: injected by the bundler; `0.0.0-dev` when running from source (tests). */
export const VERSION: string = typeof __ECSDEPLOY_VERSION__ === 'string' ? __ECSDEPLOY_VERSION__ : '0.0.0-dev';
