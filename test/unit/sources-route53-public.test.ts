// Route 53 public DNS query log parser (src/sources/route53-public). Oracles: the Insights discovered-field list
// for Route 53 logs in ../shared/corpora/aws-docs/cloudwatch-logs/CWL_AnalyzeLogData-discoverable-fields.md, the
// field order of the fact sheet (§1.6), and the example lines of the Route 53 developer guide ("Public DNS query
// logging"), quoted below because that page is not in the corpus.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ROUTE53_PUBLIC_COLUMNS, detectRoute53Public, parseRoute53Public, route53Public } from '../../src/sources/route53-public/format.js';
import { toOcsf } from '../../src/sources/route53-public/ocsf.js';
import { loadOcsfSchema, validateOcsf } from '../../src/sources/ocsf/schema.js';
import { detectAllFormats } from '../../src/sources/registry.js';
import { COMMON_COLUMNS } from '../../src/store/schema.js';
import { OCSF_SCHEMA_DIR, readCorpus } from '../fixtures/sources/corpus.js';

const EXAMPLES = ['1.0 2017-12-13T08:16:02.130Z Z123412341234 example.com A NOERROR UDP FRA6 192.168.1.1 -', '1.0 2017-12-13T08:15:50.235Z Z123412341234 example.com AAAA NOERROR TCP IAD12 192.168.3.1 192.168.222.0/24', '1.0 2017-12-13T08:16:05.744Z Z123412341234 txnotexist.example.com ANY NXDOMAIN UDP IAD12 192.168.1.1 -'];

describe('route53-public: documented example lines', () => {
  const out = parseRoute53Public(EXAMPLES.join('\n'));

  it('parse to their fields, lines kept', () => {
    assert.deepEqual(out.problems, []);
    assert.equal(out.events.length, 3);
    assert.deepEqual(out.events[1].columns, {
      version: '1.0',
      query_timestamp: Date.UTC(2017, 11, 13, 8, 15, 50, 235),
      hosted_zone_id: 'Z123412341234',
      query_name: 'example.com',
      query_type: 'AAAA',
      response_code: 'NOERROR',
      protocol: 'TCP',
      edge_location: 'IAD12',
      resolver_ip: '192.168.3.1',
      edns_client_subnet: '192.168.222.0/24',
    });
    assert.equal(out.events[0].columns.edns_client_subnet, null);
    assert.equal(out.events[2].columns.response_code, 'NXDOMAIN');
    assert.equal(out.events[0].message, EXAMPLES[0]);
    assert.equal(out.events[0].timestamp, Date.UTC(2017, 11, 13, 8, 16, 2, 130));
  });

  it('are claimed by this format only', () => {
    for (const l of EXAMPLES) assert.deepEqual(detectAllFormats(l).map((f) => f.id), ['route53-public']);
    assert.ok(!detectRoute53Public('2 123456789010 eni-1 - - - - - - - 1 2 - NODATA'));
  });

  it('Insights names: the fields AWS lists as discovered for Route 53 logs, plus ednsClientSubnet', () => {
    const row = readCorpus('aws-docs/cloudwatch-logs/CWL_AnalyzeLogData-discoverable-fields.md')
      .split('\n')
      .find((l) => /Route\s53\slogs/.test(l))!;
    const discovered = [...row.matchAll(/`([A-Za-z]+)`/g)].map((m) => m[1]).sort();
    assert.deepEqual(
      ROUTE53_PUBLIC_COLUMNS.map((c) => c.field)
        .filter((f) => f !== 'ednsClientSubnet')
        .sort(),
      discovered,
    );
  });

  it('map to OCSF DNS Activity and validate with zero errors', () => {
    const schema = loadOcsfSchema(OCSF_SCHEMA_DIR);
    for (const e of out.events) assert.deepEqual(validateOcsf(toOcsf(e), schema), []);
    const o = toOcsf(out.events[2]);
    assert.equal(o.rcode_id, 3);
    assert.equal((o.query as Record<string, unknown>).hostname, 'txnotexist.example.com');
  });
});

describe('route53-public: edge cases', () => {
  it('a short line is a problem; an unreadable time is kept with a warning', () => {
    const out = parseRoute53Public(`1.0 2017 Z1\n${EXAMPLES[0].replace('2017-12-13T08:16:02.130Z', 'soon')}`, undefined, { fallbackTimestamp: 5 });
    assert.deepEqual(out.problems.map((p) => p.line), [1]);
    assert.equal(out.events[0].timestamp, 5);
    assert.equal(out.events[0].columns.query_timestamp, null);
  });

  it('columns: unique, valid, no clash with the common columns', () => {
    const names = ROUTE53_PUBLIC_COLUMNS.map((c) => c.name);
    assert.equal(new Set(names).size, names.length);
    for (const n of names) assert.ok(/^[a-z_][a-z0-9_]*$/.test(n) && !COMMON_COLUMNS.includes(n), n);
    assert.equal(route53Public.table, 'events_route53_public');
  });
});
