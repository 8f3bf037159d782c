/** `vite-node scripts/scale/write-deploy-config.ts`: rewrites deploy/'s generated nginx and Prometheus files. */
import { writeDeployConfig } from './deploy-config';

writeDeployConfig();
