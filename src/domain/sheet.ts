import type { Decision, DraftStatus, Position } from '../../db/schema';
import { canonicalJson, sha256Hex } from '../lib/crypto';
import type { Platform } from './inspection-code';

/**
 * The facts an approval sheet (审核单) attests, and nothing else: what was reviewed, by whom, with
 * what outcome, and where each decision sits in the audit chain. The sheet prints their hash, and
 * its QR code leads to a page that recomputes the hash from the stored record: equal means every
 * fact on the paper is what the system holds; any later decision, edit or tampering changes it.
 */
export interface SheetFacts {
  draftId: string;
  title: string;
  unit: string;
  accounts: { name: string; platform: Platform; registrationNo: string | null }[];
  version: number;
  contentSha256: string;
  status: DraftStatus;
  levels: Position[];
  entries: SheetEntry[];
}

export interface SheetEntry {
  level: Position;
  reviewer: string;
  decision: Decision;
  returnTo: string | null;
  checklist: Record<string, boolean>;
  comment: string | null;
  /** ISO instant of the decision. */
  at: string;
  /** Signed by someone appointed to the position while this review was open; only present when true. */
  appointedDuringReview?: true;
  /** The decision's audit event: its position in the chain and its hash. */
  audit: { seq: number; hash: string } | null;
}

export const sheetHash = (facts: SheetFacts): Promise<string> => sha256Hex(`imprimatur-sheet-v1\n${canonicalJson(facts)}`);

export const isSheetHash = (s: string) => /^[0-9a-f]{64}$/.test(s);
