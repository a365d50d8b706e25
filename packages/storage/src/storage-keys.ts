// Where each kind of object lives in storage, named once for the gateway and the worker.

/** A render's output: derived from the render uuid, so a retry overwrites and never duplicates. */
export function renderResultKey(renderId: string, extension: string): string {
  return `renders/${renderId}.${extension}`;
}

/** A render's print file for one smart object (PNG), beside its result; a retry overwrites it. */
export function renderPrintFileKey(renderId: string, smartObjectId: string): string {
  return `renders/${renderId}/print/${smartObjectId}.png`;
}

/** Base64 artwork sent inline with a render request, parked here instead of in Postgres. */
export function renderInputKey(renderId: string, smartObjectId: string): string {
  return `inputs/${renderId}/${smartObjectId}`;
}

/** A batch's inline artwork, parked once for all of the batch's renders; removed when the batch finishes. */
export function batchArtworkKey(batchId: string, artworkId: string): string {
  return `batches/${batchId}/artworks/${artworkId}`;
}

/** One layer image of a template at one version (a new version never overwrites an old one in use). */
export function templateAssetKey(mockupId: string, version: number, assetName: string): string {
  return `templates/${mockupId}/v${version}/${assetName}`;
}

export function templateThumbnailKey(mockupId: string, version: number): string {
  return `templates/${mockupId}/v${version}/thumbnail.png`;
}

/** An uploaded PSD/PSB waiting for its import job; deleted once the import ends either way. */
export function mockupSourceKey(mockupId: string): string {
  return `imports/${mockupId}/source.psd`;
}

/** A layer image sent inline (base64) with a JSON manifest upload, waiting for its import job. */
export function mockupUploadAssetKey(mockupId: string, assetIndex: number): string {
  return `imports/${mockupId}/asset-${assetIndex}`;
}

/** The template's smart-object outlines drawn over its thumbnail (made on import). */
export function templateOutlineKey(mockupId: string, version: number): string {
  return `templates/${mockupId}/v${version}/outline.png`;
}

/** The outline preview stored beside a template's thumbnail (imported templates have one). */
export function outlineKeyBeside(thumbnailKey: string): string {
  return thumbnailKey.replace(/[^/]+$/, 'outline.png');
}
