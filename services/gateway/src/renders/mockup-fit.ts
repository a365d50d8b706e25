// A render request checked against its mockup: every smart object known and given once, every
// required one present, inline artwork an image, every print file of a filled smart object and not
// too large. Each problem names its field in details.issues.
import {
  PRINT_FILE_MAX_PIXELS,
  printFileSize,
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
  issues.push(...printFileIssues(request, known, given));
  if (issues.length > 0) throw validationError(issues);
  return artwork;
}

function printFileIssues(
  request: CreateRenderRequest,
  known: Map<string, Mockup['smart_objects'][number]>,
  given: Set<string>,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  (request.print_files ?? []).forEach((file, index) => {
    const so = known.get(file.smart_object_uuid);
    const path = `print_files.${index}`;
    if (!so) {
      issues.push({ path: `${path}.smart_object_uuid`, message: 'not a smart object of this mockup' });
      return;
    }
    if (!given.has(so.uuid)) {
      issues.push({
        path: `${path}.smart_object_uuid`,
        message: 'this render gives the smart object no artwork to print',
      });
      return;
    }
    const { width, height } = printFileSize(so.print_area, file.dpi);
    if (width * height > PRINT_FILE_MAX_PIXELS) {
      issues.push({
        path: `${path}.dpi`,
        message: `the print file would be ${width}×${height} px, more than ${PRINT_FILE_MAX_PIXELS} pixels`,
      });
    }
  });
  return issues;
}
