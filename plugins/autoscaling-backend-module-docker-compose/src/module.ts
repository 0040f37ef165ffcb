import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { autoscalingActuationTargetsExtensionPoint } from '@internal/plugin-autoscaling-node';
import { readDockerHosts } from './config';
import { DockerComposeClient } from './DockerComposeClient';

/**
 * Adds every host of `autoscaling.dockerHosts` as an actuation target of kind
 * `docker-compose`: its Compose services are evaluated, scaled and listed like a cluster's.
 */
export const autoscalingModuleDockerCompose = createBackendModule({
  pluginId: 'autoscaling',
  moduleId: 'docker-compose',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        targets: autoscalingActuationTargetsExtensionPoint,
      },
      async init({ config, logger, targets }) {
        for (const host of readDockerHosts(config)) {
          targets.addActuationTarget({
            name: host.name,
            kind: 'docker-compose',
            title: host.title,
            endpoint: host.socketPath ?? host.url,
            client: new DockerComposeClient(host),
          });
          logger.info(
            `Docker host ${host.name} (${
              host.socketPath ?? host.url
            }) added: its Compose services are scaled like a cluster's workloads`,
          );
        }
      },
    });
  },
});
