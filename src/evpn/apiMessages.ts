// GoBGP API messages as plain objects (no gRPC here, so validation can use them without loading
// it): fields keep the .proto's snake_case names, and google.protobuf.Any values are written
// and read as { '@type': ANY_PREFIX + name, ...fields }.

/** A message as proto-loader gives it: fields by their .proto names. */
export type Message = Record<string, unknown>;
/** An Any: the type name (without ANY_PREFIX) is in '@type'. */
export type AnyMessage = Message & { '@type': string };

export const ANY_PREFIX = 'type.googleapis.com/apipb.';

export const AFI_L2VPN = 'AFI_L2VPN';
export const SAFI_EVPN = 'SAFI_EVPN';
export const EVPN_FAMILY = { afi: AFI_L2VPN, safi: SAFI_EVPN } as const;

/** An Any of apipb type `name`. */
export function any(name: string, fields: Message): AnyMessage {
  return { '@type': `${ANY_PREFIX}${name}`, ...fields };
}

/** The apipb type name of an Any read from the API ('' when it is not an apipb type). */
export function anyType(value: unknown): string {
  const type = (value as AnyMessage | undefined)?.['@type'] ?? '';
  return type.startsWith(ANY_PREFIX) ? type.slice(ANY_PREFIX.length) : '';
}
