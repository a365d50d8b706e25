// Mockups as a model needs them to fill one: which smart objects there are, which must be filled,
// what colours they take. Signed thumbnail links and placement geometry are left out of the list.
import type { Mockup } from '@platen/client';

export function smartObjectsOf(mockup: Mockup) {
  return mockup.smart_objects.map((so) => ({
    uuid: so.uuid,
    name: so.name,
    required: so.required,
    size: so.size,
    color: so.color,
  }));
}

export function mockupSummary(mockup: Mockup) {
  return {
    uuid: mockup.uuid,
    slug: mockup.slug,
    name: mockup.name,
    width: mockup.width,
    height: mockup.height,
    status: mockup.status,
    built_in: mockup.built_in,
    smart_objects: smartObjectsOf(mockup),
  };
}
