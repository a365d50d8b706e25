// Photoshop descriptors written in code, for tests: each value carries its descriptor type, as
// Photoshop writes it (ag-psd's own writer guesses types from key names it knows, so it cannot
// write an adjustment's settings). `writePsdWithSmartFilters` writes a document with ag-psd and
// gives the named placed layers this `filterFX` in their 'SoLd' block, as a Photoshop file has it.
import { writePsdBuffer, type Psd } from 'ag-psd';
import { infoHandlersMap } from 'ag-psd/dist/additionalInfo.js';
import {
  createWriter,
  getWriterBuffer,
  writeBytes,
  writeFloat64,
  writeInt32,
  writeSignature,
  writeUint8,
  writeUint32,
  writeUnicodeStringWithPadding,
  type PsdWriter,
} from 'ag-psd/dist/psdWriter.js';

export type DescriptorValue =
  | { doub: number }
  | { long: number }
  | { bool: boolean }
  | { text: string }
  /** A unit double: '#Prc' percent, '#Pxl' pixels, '#Ang' angle. */
  | { units: '#Prc' | '#Pxl' | '#Ang'; value: number }
  | { enum: [type: string, value: string] }
  /** A reference to an enumerated value, as a curve's or level's `Chnl`. */
  | { ref: [type: string, value: string] }
  | { list: DescriptorValue[] }
  | { object: Descriptor };

export interface Descriptor {
  classId: string;
  name?: string;
  items: Record<string, DescriptorValue>;
}

function writeId(writer: PsdWriter, id: string): void {
  if (id.length === 4) {
    writeInt32(writer, 0);
    writeSignature(writer, id);
  } else {
    writeInt32(writer, id.length);
    for (const char of id) writeUint8(writer, char.charCodeAt(0));
  }
}

function writeStructure(writer: PsdWriter, descriptor: Descriptor): void {
  writeUnicodeStringWithPadding(writer, descriptor.name ?? '');
  writeId(writer, descriptor.classId);
  const keys = Object.keys(descriptor.items);
  writeUint32(writer, keys.length);
  for (const key of keys) {
    writeId(writer, key);
    writeValue(writer, descriptor.items[key]!);
  }
}

function writeValue(writer: PsdWriter, value: DescriptorValue): void {
  if ('doub' in value) {
    writeSignature(writer, 'doub');
    writeFloat64(writer, value.doub);
  } else if ('long' in value) {
    writeSignature(writer, 'long');
    writeInt32(writer, value.long);
  } else if ('bool' in value) {
    writeSignature(writer, 'bool');
    writeUint8(writer, value.bool ? 1 : 0);
  } else if ('text' in value) {
    writeSignature(writer, 'TEXT');
    writeUnicodeStringWithPadding(writer, value.text);
  } else if ('units' in value) {
    writeSignature(writer, 'UntF');
    writeSignature(writer, value.units);
    writeFloat64(writer, value.value);
  } else if ('enum' in value) {
    writeSignature(writer, 'enum');
    writeId(writer, value.enum[0]);
    writeId(writer, value.enum[1]);
  } else if ('ref' in value) {
    writeSignature(writer, 'obj ');
    writeInt32(writer, 1);
    writeSignature(writer, 'Enmr');
    writeUnicodeStringWithPadding(writer, '');
    writeId(writer, value.ref[0]);
    writeId(writer, value.ref[0]);
    writeId(writer, value.ref[1]);
  } else if ('list' in value) {
    writeSignature(writer, 'VlLs');
    writeInt32(writer, value.list.length);
    for (const item of value.list) writeValue(writer, item);
  } else {
    writeSignature(writer, 'Objc');
    writeStructure(writer, value.object);
  }
}

const rgb = (r: number, g: number, b: number): DescriptorValue => ({
  object: { classId: 'RGBC', items: { 'Rd  ': { doub: r }, 'Grn ': { doub: g }, 'Bl  ': { doub: b } } },
});

/** One smart filter of Photoshop's list: its settings (`Fltr`) under a name, opacity and mode. */
export function smartFilterItem(
  name: string,
  settings: Descriptor | undefined,
  options: {
    enabled?: boolean;
    opacity?: number;
    blendMode?: string;
    filterId?: number;
    /** false: leave out the foreground/background colours, which ag-psd's parse then fails on. */
    colors?: boolean;
  } = {},
): DescriptorValue {
  const items: Record<string, DescriptorValue> = {
    'Nm  ': { text: name },
    blendOptions: {
      object: {
        classId: 'blendOptions',
        items: {
          Opct: { units: '#Prc', value: options.opacity ?? 100 },
          'Md  ': { enum: ['BlnM', options.blendMode ?? 'Nrml'] },
        },
      },
    },
    enab: { bool: options.enabled ?? true },
    hasoptions: { bool: true },
    ...(options.colors === false ? {} : { FrgC: rgb(0, 0, 0), BckC: rgb(255, 255, 255) }),
  };
  if (settings) items['Fltr'] = { object: settings };
  items['filterID'] = { long: options.filterId ?? 0 };
  return { object: { classId: 'filterFX', items } };
}

/** A `filterFX` stack: the filters bottom (first applied) to top. */
export function smartFilterStack(
  filters: DescriptorValue[],
  options: { enabled?: boolean; maskEnabled?: boolean } = {},
): Descriptor {
  return {
    classId: 'filterFXStyle',
    items: {
      enab: { bool: options.enabled ?? true },
      validAtPosition: { bool: true },
      filterMaskEnable: { bool: options.maskEnabled ?? false },
      filterMaskLinked: { bool: false },
      filterMaskExtendWithWhite: { bool: true },
      filterFXList: { list: filters },
    },
  };
}

// ag-psd's 'SoLd' block: 'soLD', version, descriptor version 16, name '' (6 bytes), class 'null'
// (8 bytes), then the root descriptor's key count.
const KEY_COUNT_AT = 4 + 4 + 4 + 6 + 8;

/**
 * The document ag-psd writes for `psd`, with each placed layer named in `stacks` given that
 * `filterFX` (write those layers' `placedLayer` without `filter`).
 */
export function writePsdWithSmartFilters(psd: Psd, stacks: Record<string, Descriptor>): Buffer {
  const handler = infoHandlersMap['SoLd']!;
  const write = handler.write;
  handler.write = (writer, target, document, options) => {
    const stack = target.name !== undefined ? stacks[target.name] : undefined;
    if (!stack) return write(writer, target, document, options);
    const block = createWriter();
    write(block, target, document, options);
    const bytes = new Uint8Array(getWriterBuffer(block));
    const view = new DataView(bytes.buffer);
    view.setUint32(KEY_COUNT_AT, view.getUint32(KEY_COUNT_AT) + 1);
    writeBytes(writer, bytes);
    writeId(writer, 'filterFX');
    writeValue(writer, { object: stack });
  };
  try {
    return writePsdBuffer(psd);
  } finally {
    handler.write = write;
  }
}
