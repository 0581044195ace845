import { randomBytes } from 'node:crypto';

/** The inbound key non-loopback clients (e.g. LibreChat in Docker) present. */
export const generateGatewayKey = (): string => `lk-${randomBytes(24).toString('base64url')}`;
