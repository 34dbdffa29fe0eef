import type { PrusaLinkClient } from './client';
import { PrusaLinkProblem } from './problems';

export const SNAPSHOT_MAX_BYTES = 5 * 1024 * 1024;

/**
 * The last photo of the printer's default camera (GET /api/v1/cameras/snap, Raspberry Pi PrusaLink; the
 * firmware's PrusaLink has no camera endpoint and answers 404). Goes through the printer's one-at-a-time
 * client, so a snapshot never runs beside a poll.
 */
export function createSnapshotProvider(client: PrusaLinkClient): () => Promise<Buffer> {
  return async () => {
    let answer;
    try {
      answer = await client.get('/api/v1/cameras/snap', 'camera snapshot', SNAPSHOT_MAX_BYTES, 'image/jpeg, image/png');
    } catch (error) {
      if (error instanceof PrusaLinkProblem && /HTTP 404/.test(error.message)) {
        throw new PrusaLinkProblem('http', 'this PrusaLink has no camera (GET /api/v1/cameras/snap answered 404)', 'no camera');
      }
      throw error;
    }
    if (answer.status === 204 || answer.body.length === 0) throw new PrusaLinkProblem('http', 'the camera has taken no photo yet (HTTP 204)', 'no photo yet');
    const jpeg = answer.body.length > 2 && answer.body[0] === 0xff && answer.body[1] === 0xd8;
    if (!jpeg) throw new PrusaLinkProblem('protocol', 'the camera snapshot is not a JPEG image', 'snapshot not JPEG');
    return answer.body;
  };
}
