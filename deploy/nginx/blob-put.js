// nginx njs handler: PUT /blobs/<sha256> stores the body only if it hashes to its name (400 otherwise).
// Written to a temporary file and renamed, so a reader never sees half a blob. GETs are nginx's own
// static files (immutable cache headers); nginx.conf checks the bearer token before this runs.
const crypto = require('crypto');
const fs = require('fs');

function problem(r, status, code, message, hint) {
  r.headersOut['content-type'] = 'application/json';
  r.return(status, JSON.stringify({ error: { code: code, message: message, hint: hint } }));
}

function put(r) {
  const hash = r.variables.blob_hash;
  const body = r.requestBuffer;
  if (body === undefined) {
    return problem(r, 413, 'TOO_LARGE', 'the body did not fit in one buffer', 'keep client_body_buffer_size equal to client_max_body_size');
  }
  const actual = crypto.createHash('sha256').update(body).digest('hex');
  if (actual !== hash) {
    return problem(r, 400, 'HASH_MISMATCH', 'the body hashes to ' + actual + ', not ' + hash, 'name a blob by the SHA-256 of its bytes');
  }
  const file = r.variables.blob_root + '/' + hash;
  const temp = file + '.' + r.variables.request_id + '.tmp';
  fs.writeFileSync(temp, body);
  fs.renameSync(temp, file);
  r.headersOut['content-type'] = 'application/json';
  r.return(201, JSON.stringify({ hash: hash, bytes: body.length }));
}

export default { put };
