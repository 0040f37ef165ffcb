/**
 * Docker Compose actuation target for the autoscaling backend: hosts from
 * `autoscaling.dockerHosts`, services found by Compose's labels, scaled like
 * `docker compose up --scale`.
 *
 * @packageDocumentation
 */
export { autoscalingModuleDockerCompose as default } from './module';
export { DockerComposeClient } from './DockerComposeClient';
export { readDockerHosts, type DockerHostConfig } from './config';
