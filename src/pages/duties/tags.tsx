import { type Standing } from '../../domain/duties';
import { type SupervisionStage } from '../../domain/supervision';
import { label } from '../../lib/i18n';
import type { PageCtx } from '../components/context';
import { Tag, type Tone } from '../components/ui';

/** Status tags of the responsibility-system pages, coloured the same wherever they appear. */

const STANDING_TONE: Record<Standing, Tone> = { pending: 'info', in_review: 'warn', done: 'ok', late: 'warn', missing: 'bad', withdrawn: 'grey' };

export const StandingTag = ({ standing, l }: { standing: Standing; l: PageCtx['locale'] }) => (
  <Tag tone={STANDING_TONE[standing]}>
    <span data-standing={standing}>{label('standing', standing, l)}</span>
  </Tag>
);

const STAGE_TONE: Record<SupervisionStage, Tone> = { not_started: 'grey', scored: 'ok', rectifying: 'warn', rectified: 'info' };

export const StageTag = ({ stage, l }: { stage: SupervisionStage; l: PageCtx['locale'] }) => (
  <Tag tone={STAGE_TONE[stage]}><span data-stage={stage}>{label('supervisionStage', stage, l)}</span></Tag>
);
