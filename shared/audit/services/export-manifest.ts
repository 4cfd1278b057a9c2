import { createLocalJWKSet, type JSONWebKeySet, jwtVerify, SignJWT } from 'jose';
import type { SigningKey } from '#kernel/codes/signature';
import type { TreeHead } from '../domain/audit-log';
import type { ExportFormat } from '../domain/export-formats';
import type { ExportLeafRange } from './export-edges';

/**
 * An export's manifest is a compact JWS (a JWT, so any JOSE tool reads it), ES256 with the
 * key that signs the tree heads, published in /.well-known/jwks.json. Its own `typ` keeps a
 * manifest from being taken for a tree head or any other token that key signs.
 */
export const EXPORT_MANIFEST_TYP = 'traceseal-export-manifest+jwt';

export interface ExportManifest {
  exportId: string;
  format: ExportFormat;
  recordCount: number;
  /** Lowercase hex SHA-256 of the export file, and of its proofs sidecar. */
  sha256: string;
  bytes: number;
  proofsSha256: string;
  /** The query parameters the export was made with, as given. */
  query: Record<string, string>;
  /**
   * True when the export holds every event of its time range (a national regulator or an
   * admin, no filter but time): then its leaf indexes must be consecutive, so an event
   * removed from the database before the export shows as a gap.
   */
  complete: boolean;
  /** The record-time range read: from ≤ recordTime < to. */
  range?: { from: string; to: string };
  /**
   * A complete export's place in the log: the range's first and last leaf, and the leaves
   * just outside it with their events and proofs, so a verifier checks both ends.
   */
  leafRange?: ExportLeafRange;
  createdAt: string;
  completedAt: string;
  exporter: { orgId: string; subject: string; role: string };
  /** The signed tree head every inclusion proof of the export is against. */
  treeHead: TreeHead & { signedHead: string };
}

export const signExportManifest = (manifest: ExportManifest, key: SigningKey): Promise<string> =>
  new SignJWT({ ...manifest })
    .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: EXPORT_MANIFEST_TYP })
    .setIssuedAt(new Date(manifest.completedAt))
    .sign(key.privateKey);

const isManifest = (payload: Record<string, unknown>): boolean => {
  const head = payload.treeHead as Record<string, unknown> | undefined;
  return (
    typeof payload.exportId === 'string' &&
    typeof payload.format === 'string' &&
    Number.isSafeInteger(payload.recordCount) &&
    typeof payload.sha256 === 'string' &&
    typeof payload.proofsSha256 === 'string' &&
    head !== undefined &&
    Number.isSafeInteger(head.treeSize) &&
    typeof head.rootHash === 'string' &&
    typeof head.signedHead === 'string'
  );
};

/** The manifest a JWS signs, if a key of `jwks` signed it as a manifest; throws otherwise. */
export const verifyExportManifest = async (jws: string, jwks: JSONWebKeySet): Promise<ExportManifest> => {
  const { payload } = await jwtVerify(jws.trim(), createLocalJWKSet(jwks), {
    algorithms: ['ES256'],
    typ: EXPORT_MANIFEST_TYP,
  });
  if (!isManifest(payload)) throw new Error('not a TraceSeal export manifest');
  const { iat: _iat, ...manifest } = payload as unknown as ExportManifest & { iat?: number };
  return manifest;
};
