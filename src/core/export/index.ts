/**
 * Exporting a run: the format follows the file name, and one export may write two files (a Postman
 * collection and its environment). Pure: the caller writes the files.
 */
import { Codes } from '../codes';
import { FlowError } from '../errors';
import type { Run } from '../model';
import { toHar } from './har';
import { toHttpFile } from './http';
import type { ExportOptions } from './plan';
import { toPostman } from './postman';
import { toShellScript } from './shell';

export type { ExportOptions } from './plan';

export const EXPORT_FORMATS = [
  { suffix: '.postman_collection.json', label: 'Postman collection (+ environment)' },
  { suffix: '.sh', label: 'Shell script (bash + curl)' },
  { suffix: '.http', label: 'HTTP file (httpyac, REST Client)' },
  { suffix: '.har', label: 'HAR 1.2' },
] as const;

export type ExportSuffix = (typeof EXPORT_FORMATS)[number]['suffix'];

/** The format a file name asks for, or undefined. */
export function exportFormatOf(fileName: string): ExportSuffix | undefined {
  return EXPORT_FORMATS.find((f) => fileName.toLowerCase().endsWith(f.suffix))?.suffix;
}

export interface ExportFile {
  path: string;
  text: string;
}

/**
 * The files exporting `run` to `path` writes. Throws `EXPORT_FORMAT` for a name no format matches and
 * `EXPORT_UNSUPPORTED` when a replay format cannot reproduce the run (see plan.ts).
 */
export function exportRun(run: Run, path: string, options: ExportOptions = {}): ExportFile[] {
  switch (exportFormatOf(path)) {
    case '.sh':
      return [{ path, text: toShellScript(run, options) }];
    case '.http':
      return [{ path, text: toHttpFile(run, options) }];
    case '.har':
      return [{ path, text: toHar(run, options) }];
    case '.postman_collection.json': {
      const { collection, environment } = toPostman(run, options);
      return [
        { path, text: collection },
        { path: path.replace(/\.postman_collection\.json$/i, '.postman_environment.json'), text: environment },
      ];
    }
    case undefined:
      throw new FlowError(
        Codes.EXPORT_FORMAT,
        `The file name ${path} does not say which format to export.`,
        `End it in ${EXPORT_FORMATS.map((f) => f.suffix).join(', ')}.`,
      );
  }
}
