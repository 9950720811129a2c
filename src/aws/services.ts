/**
 * The AWS services ecsdeploy talks to, with the three names each one goes by: the label we count and report
 * calls under (`ECS.DescribeServices`), the suffix of its SDK endpoint variable (`AWS_ENDPOINT_URL_<SUFFIX>`, the
 * SDK's serviceId upper-cased with spaces turned into underscores), and its IAM action prefix (for AccessDenied
 * hints).
 */

export type AwsServiceKey =
  | 'ecs'
  | 'codedeploy'
  | 'elbv2'
  | 'cloudwatch'
  | 'events'
  | 'sns'
  | 'sts'
  | 'ssm'
  | 'secretsmanager'
  | 's3'
  | 'cloudformation'
  | 'ecr';

export interface AwsServiceInfo {
  label: string;
  envSuffix: string;
  iamPrefix: string;
}

export const AWS_SERVICES: Record<AwsServiceKey, AwsServiceInfo> = {
  ecs: { label: 'ECS', envSuffix: 'ECS', iamPrefix: 'ecs' },
  codedeploy: { label: 'CodeDeploy', envSuffix: 'CODEDEPLOY', iamPrefix: 'codedeploy' },
  elbv2: { label: 'ELBv2', envSuffix: 'ELASTIC_LOAD_BALANCING_V2', iamPrefix: 'elasticloadbalancing' },
  cloudwatch: { label: 'CloudWatch', envSuffix: 'CLOUDWATCH', iamPrefix: 'cloudwatch' },
  events: { label: 'EventBridge', envSuffix: 'EVENTBRIDGE', iamPrefix: 'events' },
  sns: { label: 'SNS', envSuffix: 'SNS', iamPrefix: 'sns' },
  sts: { label: 'STS', envSuffix: 'STS', iamPrefix: 'sts' },
  // Lookups and image pinning (src/aws/lookup-clients.ts).
  ssm: { label: 'SSM', envSuffix: 'SSM', iamPrefix: 'ssm' },
  secretsmanager: { label: 'SecretsManager', envSuffix: 'SECRETS_MANAGER', iamPrefix: 'secretsmanager' },
  s3: { label: 'S3', envSuffix: 'S3', iamPrefix: 's3' },
  cloudformation: { label: 'CloudFormation', envSuffix: 'CLOUDFORMATION', iamPrefix: 'cloudformation' },
  ecr: { label: 'ECR', envSuffix: 'ECR', iamPrefix: 'ecr' },
};

/** `ECS` → `ecs`, `ELBv2` → `elasticloadbalancing`: the IAM prefix for a service label. */
export function iamPrefixOf(label: string): string {
  for (const info of Object.values(AWS_SERVICES)) if (info.label === label) return info.iamPrefix;
  return label.toLowerCase();
}
