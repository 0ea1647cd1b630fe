import { createPrivateKey, createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import { storedSecret } from './stored-secret.ts';
import { calculateJwkThumbprint, exportJWK } from 'jose';
import { ConfigError, type Config } from '../../config.ts';
import type { Logger } from '../../log.ts';

/** Signature algorithms of access tokens: HMAC-SHA256 with a shared secret, or Ed25519. */
export type TokenAlg = 'HS256' | 'EdDSA';

/** A key with its JWS `kid` (RFC 7638 thumbprint of the verifying key) and the one algorithm it is used with. */
export interface TokenKey {
  kid: string;
  alg: TokenAlg;
  /** Secret (HS256), private (EdDSA signer) or public (EdDSA verifier) key. */
  key: KeyObject;
}

/** The signing key and every key that still verifies (the signer's own, and former ones during a rotation), by kid. */
export interface KeyRing {
  signer: TokenKey;
  verifiers: ReadonlyMap<string, TokenKey>;
}

/** File under DATA_DIR holding the secret generated for development when JWT_SECRET is unset. */
export const DEV_SECRET_FILE = 'jwt-secret';

/** PEM from an environment variable, where newlines may have been written as `\n`. */
const pem = (text: string) => text.replace(/\\n/g, '\n');

function ed25519(name: string, make: () => KeyObject): KeyObject {
  let key: KeyObject;
  try {
    key = make();
  } catch (err) {
    throw new ConfigError(`Invalid configuration:\n  ${name}: not a readable PEM key (${(err as Error).message}).`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new ConfigError(`Invalid configuration:\n  ${name}: must be an Ed25519 key, got ${key.asymmetricKeyType}.`);
  return key;
}

async function tokenKey(alg: TokenAlg, key: KeyObject, verifier: KeyObject = key): Promise<TokenKey> {
  return { kid: await calculateJwkThumbprint(await exportJWK(verifier)), alg, key };
}

/**
 * Builds the key ring from the configuration: EdDSA with JWT_PRIVATE_KEY when set, else HS256 with
 * JWT_SECRET (or the development secret); JWT_SECRET beside a private key, JWT_PREVIOUS_SECRET and
 * JWT_PREVIOUS_PUBLIC_KEY only verify, so tokens signed before a rotation stay valid until they expire.
 * @throws ConfigError when a PEM key is unreadable or not Ed25519.
 */
export async function loadKeyRing(c: Config, log: Logger): Promise<KeyRing> {
  const verifiers: TokenKey[] = [];
  let signer: TokenKey;
  if (c.JWT_PRIVATE_KEY !== undefined) {
    const priv = ed25519('JWT_PRIVATE_KEY', () => createPrivateKey(pem(c.JWT_PRIVATE_KEY as string)));
    const pub = createPublicKey(priv);
    signer = await tokenKey('EdDSA', priv, pub);
    verifiers.push({ ...signer, key: pub });
    if (c.JWT_SECRET !== undefined) verifiers.push(await tokenKey('HS256', createSecretKey(Buffer.from(c.JWT_SECRET))));
  } else {
    signer = await tokenKey('HS256', createSecretKey(Buffer.from(c.JWT_SECRET ?? storedSecret(c.DATA_DIR, DEV_SECRET_FILE, 'JWT_SECRET', 'access tokens', log))));
    verifiers.push(signer);
  }
  if (c.JWT_PREVIOUS_SECRET !== undefined) verifiers.push(await tokenKey('HS256', createSecretKey(Buffer.from(c.JWT_PREVIOUS_SECRET))));
  if (c.JWT_PREVIOUS_PUBLIC_KEY !== undefined)
    verifiers.push(await tokenKey('EdDSA', ed25519('JWT_PREVIOUS_PUBLIC_KEY', () => createPublicKey(pem(c.JWT_PREVIOUS_PUBLIC_KEY as string)))));
  return { signer, verifiers: new Map(verifiers.map((k) => [k.kid, k])) };
}
