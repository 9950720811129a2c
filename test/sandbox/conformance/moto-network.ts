/**
 * moto validates load balancer subnets against its own EC2, and no EC2 client is installed here: create a VPC and
 * two subnets with raw query calls. moto routes a request by the credential scope in `Authorization`, as AWS does.
 */
import type { Network } from './sequence.js';

async function ec2(endpoint: string, params: Record<string, string>): Promise<string> {
  const res = await fetch(`${endpoint}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: 'AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: new URLSearchParams({ Version: '2016-11-15', ...params }).toString(),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`moto EC2 ${params.Action} failed: ${res.status} ${text}`);
  return text;
}

function tag(xml: string, name: string): string {
  const m = new RegExp(`<${name}>([^<]+)</${name}>`).exec(xml);
  if (!m?.[1]) throw new Error(`no <${name}> in moto's answer`);
  return m[1];
}

export async function motoNetwork(endpoint: string): Promise<Network> {
  const vpcId = tag(await ec2(endpoint, { Action: 'CreateVpc', CidrBlock: '10.0.0.0/16' }), 'vpcId');
  const a = tag(
    await ec2(endpoint, { Action: 'CreateSubnet', VpcId: vpcId, CidrBlock: '10.0.1.0/24', AvailabilityZone: 'us-east-1a' }),
    'subnetId',
  );
  const b = tag(
    await ec2(endpoint, { Action: 'CreateSubnet', VpcId: vpcId, CidrBlock: '10.0.2.0/24', AvailabilityZone: 'us-east-1b' }),
    'subnetId',
  );
  return { vpcId, subnets: [a, b] };
}
