/**
 * nginx configurations for the edge at scale: a content-addressed blob store (the memory service's
 * L3) and a round-robin load balancer in front of edge nodes. The tests, `npm run scale` and
 * deploy/ (compose) use these same texts.
 */
import { EDGE_HEADERS } from '../../src/core/isolation';

export interface BlobStoreConfig {
  /** host:port to listen on. */
  listen: string;
  /** Folder of the blobs, one file per SHA-256. */
  root: string;
  /** Uploads need `authorization: Bearer <token>`; without one the store is read-only. */
  token?: string;
  /**
   * 'njs' (default): deploy/nginx/blob-put.js checks the SHA-256 before it stores. 'dav': nginx's WebDAV
   * PUT stores any body under any name; only the reader's check (RemoteTier verifies every GET) guards it.
   */
  verify?: 'njs' | 'dav';
  /** Largest blob, bytes (default 16 MiB, the memory service's maxValueBytes). */
  maxBlobBytes?: number;
}

export interface BalancerConfig {
  listen: string;
  /** host:port of each edge node. */
  upstreams: readonly string[];
}

export interface NginxConfig {
  /** Folder for nginx's pid and temporary files. */
  prefix: string;
  /** Path of deploy/nginx/blob-put.js as nginx sees it. */
  njsScript: string;
  blobStore?: BlobStoreConfig;
  balancer?: BalancerConfig;
  /** The worker's user (root only where nginx starts as root and the folders are root's); nginx's default when absent. */
  workerUser?: string;
  /** false: nginx forks into the background (a container runs it in the foreground). */
  foreground?: boolean;
}

const SHA256_PATH = '"^/blobs/(?<blob_hash>[0-9a-f]{64})$"';

export function nginxConfig(c: NginxConfig): string {
  const njs = c.blobStore && (c.blobStore.verify ?? 'njs') === 'njs';
  return [
    njs ? 'load_module /usr/lib/nginx/modules/ngx_http_js_module.so;' : '',
    c.foreground === false ? '' : 'daemon off;',
    c.workerUser ? `user ${c.workerUser};` : '',
    'worker_processes 1;',
    `pid ${c.prefix}/nginx.pid;`,
    'error_log stderr warn;',
    'events { worker_connections 1024; }',
    'http {',
    '  access_log off;',
    `  client_body_temp_path ${c.prefix}/client-body;`,
    `  proxy_temp_path ${c.prefix}/proxy;`,
    `  fastcgi_temp_path ${c.prefix}/fastcgi;`,
    `  uwsgi_temp_path ${c.prefix}/uwsgi;`,
    `  scgi_temp_path ${c.prefix}/scgi;`,
    njs ? `  js_import blob from ${c.njsScript};` : '',
    c.blobStore ? blobServer(c.blobStore) : '',
    c.balancer ? balancerServer(c.balancer) : '',
    '}',
    '',
  ]
    .filter(Boolean)
    .join('\n');
}

/** The edge's isolation headers (src/core/isolation.ts), on every answer; a location with its own add_header repeats them (it replaces the server's). */
const ISOLATION = Object.entries(EDGE_HEADERS).map(([name, value]) => `add_header ${name} ${value} always;`).join(' ');

function blobServer(b: BlobStoreConfig): string {
  const max = b.maxBlobBytes ?? 16 * 1024 * 1024;
  const verify = b.verify ?? 'njs';
  const auth = b.token
    ? `if ($http_authorization != "Bearer ${b.token}") { add_header www-authenticate Bearer always; return 401 '{"error":{"code":"UNAUTHORIZED","message":"the upload carries no valid token","hint":"send authorization: Bearer <the store token>"}}'; }`
    : `return 403 '{"error":{"code":"UPLOADS_DISABLED","message":"this store takes no uploads","hint":"configure a token"}}';`;
  const put =
    verify === 'njs'
      ? `location ~ "^/_put/(?<blob_hash>[0-9a-f]{64})$" { internal; default_type application/json; ${auth} set $blob_root ${b.root}; js_content blob.put; }`
      : `location /_put/ { internal; default_type application/json; ${auth} alias ${b.root}/; dav_methods PUT; dav_access user:rw group:r all:r; }`;
  return `  server {
    listen ${b.listen};
    client_max_body_size ${max};
    client_body_buffer_size ${max};
    client_body_in_single_buffer on;
    # Cross-origin isolation: an isolated page on another origin may read blobs (CORS decides which).
    ${ISOLATION}
    location ~ ${SHA256_PATH} {
      if ($request_method = PUT) { rewrite ^ /_put/$blob_hash last; }
      limit_except GET HEAD PUT { deny all; }
      alias ${b.root}/$blob_hash;
      default_type application/octet-stream;
      # A blob's name is its content: it never changes.
      add_header cache-control "public, max-age=31536000, immutable";
      ${ISOLATION}
    }
    ${put}
    location / { default_type application/json; return 404 '{"error":{"code":"NOT_FOUND","message":"not a blob path","hint":"use /blobs/<sha256>"}}'; }
  }`;
}

function balancerServer(b: BalancerConfig): string {
  return `  upstream aura_edge {
    # Round robin (nginx's default); a node that fails is skipped for 2 s.
${b.upstreams.map((u) => `    server ${u} max_fails=1 fail_timeout=2s;`).join('\n')}
    keepalive 32;
  }
  server {
    listen ${b.listen};
    location / {
      proxy_pass http://aura_edge;
      proxy_http_version 1.1;
      proxy_set_header connection "";
      proxy_set_header x-forwarded-for $remote_addr;
      # An inference has no side effect, so a request a dying node dropped is sent to the next one.
      proxy_next_upstream error timeout http_502 http_503 non_idempotent;
      proxy_next_upstream_tries 3;
      proxy_connect_timeout 1s;
      proxy_read_timeout 60s;
      add_header x-aura-upstream $upstream_addr always;
      # The node sends the isolation headers itself: nginx sends them once, also on its own errors.
      ${Object.keys(EDGE_HEADERS).map((name) => `proxy_hide_header ${name};`).join(' ')}
      ${ISOLATION}
    }
  }`;
}
