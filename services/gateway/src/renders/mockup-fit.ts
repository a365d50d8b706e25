// A render request checked against its mockup: every smart object known and given once, every
// required one present, inline artwork an image. Each problem names its field in details.issues.
import {
  validationError,
  type CreateRenderRequest,
  type Mockup,
  type ValidationIssue,
} from '@platen/contracts';
import { decodeInlineArtwork } from './artwork-sniff.js';

/** Decoded inline artwork by smart-object uuid, ready to be parked in storage. */
export type InlineArtwork = Map<string, Buffer>;

export function checkAgainstMockup(request: CreateRenderRequest, mockup: Mockup | undefined): InlineArtwork {
  if (!mockup) throw validationError([{ path: 'mockup_uuid', message: 'no such mockup' }]);
  if (mockup.status !== 'ready') {
    throw validationError([{ path: 'mockup_uuid', message: `mockup is ${mockup.status}, not ready` }]);
  }
  const issues: ValidationIssue[] = [];
  const known = new Map(mockup.smart_objects.map((so) => [so.uuid, so]));
  const given = new Set<string>();
  const artwork: InlineArtwork = new Map();

  request.smart_objects.forEach((input, index) => {
    if (!known.has(input.uuid)) {
      issues.push({ path: `smart_objects.${index}.uuid`, message: 'not a smart object of this mockup' });
    } else if (given.has(input.uuid)) {
      issues.push({ path: `smart_objects.${index}.uuid`, message: 'smart object given twice' });
    }
    given.add(input.uuid);
    const data = input.asset.data;
    if (data != null) {
      const check = decodeInlineArtwork(data);
      if (check.ok) artwork.set(input.uuid, check.bytes);
      else issues.push({ path: `smart_objects.${index}.asset.data`, message: check.message });
    }
  });
  for (const so of mockup.smart_objects) {
    if (so.required && !given.has(so.uuid)) {
      issues.push({
        path: 'smart_objects',
        message: `required smart object ${so.uuid} (${so.name}) is missing`,
      });
    }
  }
  if (issues.length > 0) throw validationError(issues);
  return artwork;
}
