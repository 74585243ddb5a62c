// Reference server for bench/http_bench.sh: a single fastify process (no cluster, no workers)
// serving the two TechEmpower endpoints the conduit heroes example also serves.
//   GET /plaintext -> "Hello, World!"                 (text/plain)
//   GET /json      -> {"message":"Hello, World!"}     (application/json, serialised per request)
// Usage: node server.js [--port 8081] [--address 127.0.0.1]
// The logger is off so that we measure the framework, not pino writing to stdout.
'use strict';

const fastify = require('fastify');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const port = Number(arg('port', process.env.PORT || 8081));
const host = arg('address', '127.0.0.1');

const app = fastify({ logger: false });

app.get('/plaintext', (request, reply) => {
  reply.header('content-type', 'text/plain').send('Hello, World!');
});

// A response schema lets fastify use its compiled serialiser, which is what a
// TechEmpower fastify entry does; without it we would be benchmarking JSON.stringify.
app.get(
  '/json',
  {
    schema: {
      response: {
        200: { type: 'object', properties: { message: { type: 'string' } } },
      },
    },
  },
  (request, reply) => {
    reply.send({ message: 'Hello, World!' });
  },
);

app.listen({ port, host }).catch((err) => {
  console.error(err);
  process.exit(1);
});

const stop = () => app.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
