// The URLs a user copies into LibreChat: one for a LibreChat on the host, one for LibreChat in Docker.
export interface GatewayUrls {
  baseUrl: string;
  dockerBaseUrl: string;
}

export function gatewayUrls(port: number): GatewayUrls {
  return { baseUrl: `http://localhost:${port}/v1`, dockerBaseUrl: `http://host.docker.internal:${port}/v1` };
}
