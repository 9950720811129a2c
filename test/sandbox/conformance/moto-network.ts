/**
 * moto validates load balancer subnets against its own EC2, and no EC2 client is installed here: create a VPC and
 * two subnets with raw query calls. moto routes a request by the credential scope in `Authorization`, as AWS does.
 */
import { motoEc2, xmlValue } from '../../_helpers/moto.js';
import type { Network } from './sequence.js';

export async function motoNetwork(endpoint: string): Promise<Network> {
  const vpcId = xmlValue(await motoEc2(endpoint, { Action: 'CreateVpc', CidrBlock: '10.0.0.0/16' }), 'vpcId');
  const a = xmlValue(
    await motoEc2(endpoint, { Action: 'CreateSubnet', VpcId: vpcId, CidrBlock: '10.0.1.0/24', AvailabilityZone: 'us-east-1a' }),
    'subnetId',
  );
  const b = xmlValue(
    await motoEc2(endpoint, { Action: 'CreateSubnet', VpcId: vpcId, CidrBlock: '10.0.2.0/24', AvailabilityZone: 'us-east-1b' }),
    'subnetId',
  );
  return { vpcId, subnets: [a, b] };
}
