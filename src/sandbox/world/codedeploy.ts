/**
 * The CodeDeploy world lives in `codedeploy/` (one module per part); this path stays for code that imports it here
 * (test/init/init-sandbox.test.ts on main asks it which operations the sandbox serves).
 */
export { codedeployOperations, stepCodeDeployDeployment } from './codedeploy/index.js';
