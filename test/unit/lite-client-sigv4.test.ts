// SigV4 signing of the lite AWS client: AWS's published test vector, and agreement with the SDK's own signer.
import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { shortErrorType, signRequest } from '../../lib/aws/lite-client.ts';

// Credentials and date of the AWS SigV4 test suite (aws-sig-v4-test-suite).
const SUITE = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const SUITE_DATE = '20150830T123600Z';

type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (d: SourceData) =>
  typeof d === 'string' ? d : ArrayBuffer.isView(d) ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength) : new Uint8Array(d);

/** The SDK signer's hash seam, backed by node:crypto. */
class NodeSha256 {
  private readonly h;
  constructor(secret?: SourceData) {
    this.h = secret ? createHmac('sha256', bytes(secret)) : createHash('sha256');
  }
  update(data: SourceData): void {
    this.h.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.h.digest());
  }
}

describe('lite client SigV4', () => {
  it('matches the AWS test suite vector get-vanilla', async () => {
    const headers = await signRequest({
      method: 'GET',
      url: 'https://example.amazonaws.com/',
      headers: {},
      credentials: SUITE,
      region: 'us-east-1',
      service: 'service',
      datetime: SUITE_DATE,
    });
    expect(headers.get('authorization')).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, ' +
        'Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    );
    expect(headers.get('x-amz-date')).toBe(SUITE_DATE);
  });

  it('signs a DynamoDB JSON request exactly as the SDK signer does (body, target and session token signed)', async () => {
    const body = JSON.stringify({ TableName: 'roundup', Key: { pk: { S: 'STORY#s_1' }, sk: { S: 'STORY' } }, ConsistentRead: true });
    const credentials = { ...SUITE, sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE//token+with/slashes=' };
    const mine = await signRequest({
      method: 'POST',
      url: 'https://dynamodb.eu-west-3.amazonaws.com/',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.GetItem' },
      body,
      credentials,
      region: 'eu-west-3',
      service: 'dynamodb',
      datetime: '20261126T101500Z',
    });

    // applyChecksum off: x-amz-content-sha256 is optional outside S3 and aws4fetch does not send it.
    const sdk = new SignatureV4({ credentials, region: 'eu-west-3', service: 'dynamodb', sha256: NodeSha256, applyChecksum: false });
    const signed = await sdk.sign(
      {
        method: 'POST',
        protocol: 'https:',
        hostname: 'dynamodb.eu-west-3.amazonaws.com',
        path: '/',
        query: {},
        headers: { host: 'dynamodb.eu-west-3.amazonaws.com', 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.GetItem' },
        body,
      },
      // aws4fetch leaves content-type unsigned; tell the SDK signer the same so both sign one header set.
      { signingDate: new Date('2026-11-26T10:15:00Z'), unsignableHeaders: new Set(['content-type']) },
    );
    expect(mine.get('authorization')).toBe(signed.headers.authorization);
    expect(mine.get('authorization')).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20261126\/eu-west-3\/dynamodb\/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token;x-amz-target, Signature=[0-9a-f]{64}$/,
    );
    expect(mine.get('x-amz-security-token')).toBe(credentials.sessionToken);
  });

  it('gives a different signature when one byte of the body changes', async () => {
    const sign = (body: string) =>
      signRequest({ method: 'POST', url: 'https://sqs.us-east-1.amazonaws.com/', headers: { 'x-amz-target': 'AmazonSQS.SendMessageBatch' }, body, credentials: SUITE, region: 'us-east-1', service: 'sqs', datetime: SUITE_DATE });
    expect((await sign('{"a":1}')).get('authorization')).not.toBe((await sign('{"a":2}')).get('authorization'));
  });
});

describe('shortErrorType', () => {
  it('strips the namespace and any trailing URL, as the AWS JSON protocol specifies', () => {
    expect(shortErrorType('com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException')).toBe('ConditionalCheckFailedException');
    expect(shortErrorType('com.amazon.coral.validate#ValidationException')).toBe('ValidationException');
    expect(shortErrorType('FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/')).toBe('FooError');
    expect(shortErrorType('ThrottlingException')).toBe('ThrottlingException');
  });
});
