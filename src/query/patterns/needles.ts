/**
 * Choosing what the JSON pre-check searches for. V8's substring search starts by scanning for the
 * needle's first character, so its speed depends on how common that character is in the haystack:
 * on CloudTrail records `NetworkAcl` is found at ~10 M events/s and `etworkAcl` at ~0.5 M/s
 * (bench/filter-patterns.ts). Any substring of a required literal is itself required, so we search
 * for the suffix that starts at the rarest character, rarity taken from a sample of typical logs.
 */

/** A sample of what log messages look like (a CloudTrail record, an application line, an ALB line). */
const SAMPLE = '{"eventVersion":"1.09","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLEID:session-4","arn":"arn:aws:sts::123456789012:assumed-role/ci-deployer/session-4",'
  + '"accountId":"123456789012","accessKeyId":"ASIAEXAMPLE000417","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLEID","arn":"arn:aws:iam::123456789012:role/ci-deployer",'
  + '"accountId":"123456789012","userName":"ci-deployer"},"webIdFederationData":{},"attributes":{"creationDate":"2024-03-18T09:12:44Z","mfaAuthenticated":"false"}}},'
  + '"eventTime":"2024-03-18T10:41:07Z","eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.23",'
  + '"userAgent":"aws-cli/2.15.30 Python/3.11.8 Linux/6.1.79 exe/x86_64.amzn.2023 prompt/off command/ec2.describe-instances","requestParameters":{"instancesSet":{"items":[{"instanceId":"i-0a1b2c3d4e5f60718"}]},'
  + '"filterSet":{},"maxResults":1000},"responseElements":null,"requestID":"3e1f1e52-6a0c-4d7e-9a1f-1c2d3e4f5a6b","eventID":"7b2c9e1a-2f3d-4c5b-8a9e-0f1e2d3c4b5a","readOnly":true,'
  + '"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"123456789012","eventCategory":"Management","tlsDetails":{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256",'
  + '"clientProvidedHostHeader":"ec2.us-east-1.amazonaws.com"}}\n'
  + '2024-03-18T10:00:41.123Z INFO [req-8812] handler=orders latency_ms=231 user=u17 status=200 path=/api/v1/orders/8812 message="order accepted"\n'
  + 'h2 2024-03-18T10:00:41.123456Z app/my-lb/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 0.000 0.001 0.000 200 200 34 366 "GET https://www.example.com:443/ HTTP/2.0" "curl/7.46.0"\n';

const COUNTS = new Map<string, number>();
for (const c of SAMPLE) COUNTS.set(c, (COUNTS.get(c) ?? 0) + 1);

/** How often a character starts a false candidate: its count in the sample (unseen characters count 0). */
export function charCost(c: string): number {
  return COUNTS.get(c) ?? 0;
}

const MIN = 4;

/** The suffix of `lit` (at least MIN characters, or all of it) that starts at its rarest character. */
export function bestNeedle(lit: string): string {
  if (lit.length <= MIN) return lit;
  let best = 0;
  for (let i = 1; i + MIN <= lit.length; i++) if (charCost(lit[i]) < charCost(lit[best])) best = i;
  return lit.slice(best);
}

/** The best substring (>= 3 characters) common to all literals, or '' when there is none. */
export function bestCommonSubstring(lits: string[]): string {
  const [shortest] = [...lits].sort((a, b) => a.length - b.length);
  let best = '';
  for (let i = 0; i < shortest.length; i++) {
    // Longest common substring starting at i.
    let len = shortest.length - i;
    while (len >= 3 && !lits.every((l) => l.includes(shortest.slice(i, i + len)))) len--;
    if (len < 3) continue;
    const sub = shortest.slice(i, i + len);
    if (!best || charCost(sub[0]) < charCost(best[0]) || (charCost(sub[0]) === charCost(best[0]) && sub.length > best.length)) best = sub;
  }
  return best;
}
