import { createRoute, z } from '@hono/zod-openapi';
import { CHANNEL_NAMES, DELIVERY_STATUSES } from '../../../db/schema';
import { errors, jsonResponse, uuid, uuidParam } from '../../lib/http';

export const DeliverySchema = z.object({
  id: uuid(),
  kind: z.string(),
  channel: z.enum(CHANNEL_NAMES),
  status: z.enum(DELIVERY_STATUSES),
  personId: uuid().nullable(),
  reviewId: uuid().nullable(),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  claimedAt: z.string(),
  sentAt: z.string().nullable(),
  createdAt: z.string(),
  personName: z.string().nullable(),
  topic: z.string().nullable().openapi({ description: 'The outbox topic that asked for the message (null once its outbox row is pruned)' }),
  draftId: uuid().nullable().openapi({ description: 'The draft the message is about, if any' }),
  draftTitle: z.string().nullable(),
}).openapi('Delivery');

export const listDeliveries = createRoute({
  operationId: 'listDeliveries',
  method: 'get', path: '/deliveries', tags: ['Notifications 通知'], security: [{ bearerAuth: [] }],
  summary: 'Notification sends, newest first; `status=failed` lists what needs attention (admin/publicity)',
  request: {
    query: z.object({
      status: z.enum(DELIVERY_STATUSES).optional(),
      channel: z.enum(CHANNEL_NAMES).optional(),
      reviewId: uuid().optional(),
      limit: z.coerce.number().int().min(1).max(500).default(100),
      offset: z.coerce.number().int().min(0).default(0),
    }),
  },
  responses: { 200: jsonResponse(z.object({ items: z.array(DeliverySchema) }), 'Deliveries'), ...errors(400, 401, 403) },
});

export const resendDelivery = createRoute({
  operationId: 'resendDelivery',
  method: 'post', path: '/deliveries/{id}/resend', tags: ['Notifications 通知'], security: [{ bearerAuth: [] }],
  summary: 'Send a failed notification again 重发 (admin), e.g. after fixing a robot’s settings',
  request: { params: z.object({ id: uuidParam('id') }) },
  responses: { 200: jsonResponse(DeliverySchema, 'The delivery, queued again (status retrying)'), ...errors(400, 401, 403, 404, 409) },
});
