'use strict';
// A real Parse Server for the end-to-end tests of the parse-error-codes crate.
// Started by `cargo xtask e2e`; it listens on 127.0.0.1 only.
//
// Environment (all required unless a default is given):
//   PARSE_E2E_PORT          TCP port on 127.0.0.1
//   PARSE_E2E_DATABASE_URI  postgres://user@127.0.0.1:port/db
//   PARSE_APP_ID, PARSE_REST_KEY, PARSE_MASTER_KEY, PARSE_MAINTENANCE_KEY
//   PARSE_E2E_WORK_DIR      working directory: logs/ and files/uploads/ go there
//                           (start node in it too: parse-server opens ./logs when loaded)
//   NODE_PATH               the node_modules of the version under test (tests/e2e/VERSION/)
const path = require('path');
const http = require('http');

// The version's own packages, always: a plain `require` looks beside this file
// first, where a node_modules left by another setup would silently win.
function load(name) {
  return require(require.resolve(name, { paths: [process.env.NODE_PATH] }));
}
const express = load('express');
const { ParseServer, ParseGraphQLServer } = load('parse-server');
const FileSystemAdapter = load('@parse/fs-files-adapter');

function env(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`server.js: environment variable ${name} is required`);
    process.exit(2);
  }
  return value;
}

process.chdir(env('PARSE_E2E_WORK_DIR'));

const HOST = '127.0.0.1';
const port = Number(env('PARSE_E2E_PORT'));
const mountPath = '/parse';
// Parse Server's GraphQL API, mounted by this app (not under the Parse mount).
const graphQLPath = '/graphql';
const serverURL = `http://${HOST}:${port}${mountPath}`;

// An email adapter that sends nothing: it only lets the user routes that need
// one (verification and password reset emails) run and answer their errors.
const silentEmailAdapter = {
  sendMail: async () => {},
  sendVerificationEmail: async () => {},
  sendPasswordResetEmail: async () => {},
};

const publicAccess = {
  find: { '*': true },
  count: { '*': true },
  get: { '*': true },
  create: { '*': true },
  update: { '*': true },
  delete: { '*': true },
  addField: { '*': true },
  protectedFields: { '*': [] },
};

const masterOnly = {
  find: {},
  count: {},
  get: {},
  create: {},
  update: {},
  delete: {},
  addField: {},
  protectedFields: { '*': [] },
};

const config = {
  appId: env('PARSE_APP_ID'),
  restAPIKey: env('PARSE_REST_KEY'),
  masterKey: env('PARSE_MASTER_KEY'),
  masterKeyIps: ['127.0.0.1', '::1'],
  // The maintenance key is allowed from a documentation address only: from 127.0.0.1 it
  // is refused (9.x answers 403; 7.x and 8.x ignore the key and answer the request).
  maintenanceKey: env('PARSE_MAINTENANCE_KEY'),
  maintenanceKeyIps: ['192.0.2.1'],
  databaseURI: env('PARSE_E2E_DATABASE_URI'),
  serverURL,
  publicServerURL: serverURL,
  appName: 'parse-error-codes-e2e',
  // Lets a client choose objectIds, and so send an empty one (code 104).
  allowCustomObjectId: true,
  logsFolder: path.join(process.cwd(), 'logs'),
  cloud: path.join(__dirname, 'cloud', 'main.js'),
  filesAdapter: new FileSystemAdapter({ filesSubDirectory: 'uploads' }),
  fileUpload: {
    enableForPublic: true,
    enableForAnonymousUser: true,
    enableForAuthenticatedUser: true,
  },
  maxUploadSize: '1mb',
  emailAdapter: silentEmailAdapter,
  // Unverified users still log in (preventLoginWithUnverifiedEmail is false).
  verifyUserEmails: true,
  emailVerifySuccessOnInvalidEmail: false,
  passwordPolicy: {
    validatorCallback: password => password !== 'forbidden-password',
  },
  rateLimit: [
    {
      requestPath: '/functions/rateLimited',
      requestTimeWindow: 60 * 60 * 1000,
      requestCount: 1,
      errorResponseMessage: 'Too many requests.',
      includeMasterKey: true,
      includeInternalRequests: true,
    },
  ],
  idempotencyOptions: { paths: ['functions/idempotent'], ttl: 300 },
  // Classes that exist from the start (clients may not create classes).
  schema: {
    definitions: [
      {
        className: 'GameScore',
        fields: { score: { type: 'Number' }, playerName: { type: 'String' } },
        classLevelPermissions: publicAccess,
      },
      { className: 'LiveScore', fields: { score: { type: 'Number' } }, classLevelPermissions: publicAccess },
      // Master key only: a LiveQuery subscription to it is refused (119).
      { className: 'Locked', fields: { secret: { type: 'String' } }, classLevelPermissions: masterOnly },
      // For GraphQL: a pointer and a relation field, each given `{}` in a mutation (106).
      {
        className: 'Team',
        fields: {
          name: { type: 'String' },
          captain: { type: 'Pointer', targetClass: 'GameScore' },
          members: { type: 'Relation', targetClass: 'GameScore' },
        },
        classLevelPermissions: publicAccess,
      },
    ],
    strict: false,
    lockSchemas: false,
  },
  liveQuery: { classNames: ['LiveScore'] },
  verifyServerUrl: false,
  silent: process.env.PARSE_E2E_VERBOSE ? false : true,
  logLevel: process.env.PARSE_E2E_VERBOSE ? 'info' : 'error',
};

async function main() {
  const parseServer = new ParseServer(config);
  await parseServer.start();
  const app = express();
  app.use(mountPath, parseServer.app);
  // GraphQL is not part of parseServer.app: an app that wants it mounts it itself.
  new ParseGraphQLServer(parseServer, { graphQLPath }).applyGraphQL(app);
  const httpServer = http.createServer(app);
  await new Promise((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(port, HOST, resolve);
  });
  // LiveQuery on the same port; a client must present the REST API key or the master key.
  const liveQueryOptions = { keyPairs: { restAPIKey: config.restAPIKey, masterKey: config.masterKey } };
  await ParseServer.createLiveQueryServer(httpServer, liveQueryOptions, config);
  console.log(`parse-server listening on ${serverURL}, GraphQL on http://${HOST}:${port}${graphQLPath}`);

  let closing = false;
  const shutdown = signal => {
    if (closing) return;
    closing = true;
    console.log(`parse-server: ${signal}, shutting down`);
    httpServer.close();
    httpServer.closeAllConnections?.();
    Promise.resolve(parseServer.handleShutdown?.())
      .catch(() => {})
      .finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch(err => {
  console.error('server.js: failed to start:', err);
  process.exit(1);
});
