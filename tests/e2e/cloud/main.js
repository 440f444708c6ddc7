'use strict';
// Cloud Code for the end-to-end tests: each function fails in its own way.
/* global Parse */

// A Parse.Error with a code the document lists (142 ValidationFailed).
Parse.Cloud.define('throwDocumented', () => {
  throw new Parse.Error(Parse.Error.VALIDATION_ERROR, 'documented code from Cloud Code');
});

// A Parse.Error with an application code from the range 9000-9999.
Parse.Cloud.define('throwCustom', () => {
  throw new Parse.Error(9001, 'custom application code from Cloud Code');
});

// Any code the caller asks for (an integer), passed through unchanged.
Parse.Cloud.define('throwCode', req => {
  const code = Number(req.params.code);
  throw new Parse.Error(code, `code ${code} from Cloud Code`);
});

// A plain JavaScript error.
Parse.Cloud.define('throwPlainError', () => {
  throw new Error('plain JavaScript error from Cloud Code');
});

// A thrown plain object (not an Error).
Parse.Cloud.define('throwObject', () => {
  throw { reason: 'thrown plain object', detail: { n: 1 } };
});

// A thrown string and a thrown number.
Parse.Cloud.define('throwString', () => {
  throw 'thrown string from Cloud Code';
});
Parse.Cloud.define('throwNumber', () => {
  throw 42;
});

// A message that holds an unpaired UTF-16 surrogate: JSON.stringify writes it as the
// escape `\ud800`, valid JSON that a Rust `String` cannot hold.
Parse.Cloud.define('throwLoneSurrogate', () => {
  throw new Parse.Error(Parse.Error.SCRIPT_FAILED, 'lone \ud800 surrogate');
});

// A function that succeeds (for batches and the rate limit).
Parse.Cloud.define('hello', () => 'hello');
Parse.Cloud.define('rateLimited', () => 'ok');
Parse.Cloud.define('idempotent', () => 'ok');

// Validation of parameters by the Cloud Code validator.
Parse.Cloud.define('needsParam', () => 'ok', {
  fields: { name: { type: String, required: true } },
});
Parse.Cloud.define('needsUser', () => 'ok', { requireUser: true });

// A beforeSave trigger that rejects.
Parse.Cloud.beforeSave('Rejected', () => {
  throw new Parse.Error(Parse.Error.SCRIPT_FAILED, 'beforeSave rejects every Rejected object');
});
Parse.Cloud.beforeSave('RejectedPlain', () => {
  throw new Error('beforeSave rejects with a plain error');
});

// Codes chosen by the Parse SDK that runs inside Cloud Code, not by the function's
// author: destroyAll of an object that does not exist rejects with an AggregateError
// (600, without a message), and destroying an unnamed file throws 161.
Parse.Cloud.define('destroyMissing', async () => {
  const missing = Parse.Object.extend('GameScore').createWithoutData('doesNotExist');
  await Parse.Object.destroyAll([missing], { useMasterKey: true });
  return 'destroyed';
});
Parse.Cloud.define('destroyUnnamedFile', async () => {
  await new Parse.File('').destroy();
  return 'destroyed';
});

// A background job that fails.
Parse.Cloud.job('failingJob', () => {
  throw new Error('job failed');
});
