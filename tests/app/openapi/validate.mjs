// Checks one OpenAPI document (the templates' in tests/tools/create_test.cpp):
// @apidevtools/swagger-parser validates it, and each expectation holds. Prints "ok" or
// what failed (exit 1). Usage: node validate.mjs DOCUMENT 'METHOD /path [FLAG...]'...
// FLAGs: body (a JSON request body), param=NAME (a path parameter), none (no security),
// any other word (the operation's security requirement names that scheme, e.g. oauth2).
import SwaggerParser from '@apidevtools/swagger-parser';
import assert from 'node:assert/strict';
import fs from 'node:fs';

const [file, ...expectations] = process.argv.slice(2);
const document = JSON.parse(fs.readFileSync(file, 'utf8'));
try {
  await SwaggerParser.validate(structuredClone(document));
  for (const expectation of expectations) {
    const [method, path, ...flags] = expectation.split(' ');
    const op = document.paths?.[path]?.[method.toLowerCase()];
    assert.ok(op, `no ${expectation}`);
    for (const flag of flags) {
      if (flag === 'body') {
        assert.ok(op.requestBody?.content?.['application/json']?.schema, `${expectation}: no JSON body`);
      } else if (flag.startsWith('param=')) {
        const name = flag.slice(6);
        assert.ok((op.parameters ?? []).some((p) => p.in === 'path' && p.name === name && p.required),
                  `${expectation}: no path parameter ${name}`);
      } else if (flag === 'none') {
        assert.equal(op.security, undefined, `${expectation}: has security`);
      } else {
        assert.ok((op.security ?? []).some((s) => flag in s), `${expectation}: not secured by ${flag}`);
        assert.ok(document.components?.securitySchemes?.[flag], `no security scheme ${flag}`);
      }
    }
  }
  console.log('ok');
} catch (error) {
  console.log(error.message);
  process.exit(1);
}
