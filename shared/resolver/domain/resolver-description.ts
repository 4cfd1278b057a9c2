import { GS1_VOC } from './link-types';

/**
 * The GS1 resolver description file (`/.well-known/gs1resolver`): what scanner apps read
 * to know this host is a GS1-Conformant resolver, for which primary keys (GTIN with lot
 * and serial, SSCC) and which link type namespace.
 */
export const resolverDescription = (baseUrl: string) => ({
  name: 'TraceSeal PPE verification resolver',
  resolverRoot: new URL(baseUrl).origin,
  supportedPrimaryKeys: ['01', '00'] as ('01' | '00')[],
  supportedLinkType: [{ namespace: GS1_VOC, prefix: 'gs1:' }],
  // A request that asks for nothing in particular may be answered with the linkset (a
  // product without product information of its factory's).
  linkTypeDefaultCanBeLinkset: true,
});
