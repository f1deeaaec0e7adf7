/**
 * Entry point of `dist/engine.js`: everything heavy the extension needs (the flow runner with undici
 * and jose, the sandbox server, the cURL printer, the JWT decoder, the exporters, the Postman
 * importer). Built as its own bundle and loaded with `require` on first use (see engineLoader.ts), so
 * activating the extension loads none of it.
 */
export { FOLLOW_UPS, followUpsAvailable, runFollowUp, startRun } from '../core/run';
export { repeatFlow } from '../core/repeat';
export { EXPORT_FORMATS, exportRun } from '../core/export/index';
export { curlCommand } from '../core/curl';
export { decodeToken, extractJwt } from '../core/oauth/jwt';
export { importPostmanEnvironment, importReport } from '../core/postman-import';
export { startSandbox } from '../sandbox/index';
export { issuerKeySet, keySetFromText, verifyRaw } from '../core/tokenVerify';
