import { AssetNotAnImageError, AssetTooLargeError, RenderFailedError } from '@platen/compositor';
import { TemplateAssetMissingError } from '@platen/mockups';
import { OutboundError } from '@platen/outbound';
import { classifyFailure } from './failure-codes.js';
import { RenderFailureError } from './render-failure.js';

describe('classifyFailure', () => {
  it.each([
    [new OutboundError('FORBIDDEN_ADDRESS', 'x'), 'ASSET_FORBIDDEN_ADDRESS', false],
    [new OutboundError('TOO_LARGE', 'x'), 'ASSET_TOO_LARGE', false],
    [new OutboundError('TIMEOUT', 'x'), 'ASSET_TIMEOUT', true],
    [new OutboundError('FETCH_FAILED', 'x', { status: 503 }), 'ASSET_FETCH_FAILED', true],
    [new OutboundError('FETCH_FAILED', 'x', { status: 404 }), 'ASSET_FETCH_FAILED', false],
    [new OutboundError('FETCH_FAILED', 'reset'), 'ASSET_FETCH_FAILED', true],
    [new OutboundError('BAD_URL', 'x'), 'ASSET_FETCH_FAILED', false],
    [new AssetNotAnImageError(), 'ASSET_NOT_AN_IMAGE', false],
    [new AssetTooLargeError(), 'ASSET_TOO_LARGE', false],
    [new RenderFailedError('unknown smart object'), 'RENDER_FAILED', false],
    [new RenderFailureError('ASSET_TOO_LARGE', 'inline too big'), 'ASSET_TOO_LARGE', false],
    [new TemplateAssetMissingError('templates/x/v1/a.png'), 'RENDER_FAILED', false],
  ])('maps %p to %s (transient: %s)', (error, code, transient) => {
    expect(classifyFailure(error)).toMatchObject({ code, transient });
  });

  it('treats an unexplained error as a transient RENDER_FAILED without leaking its message', () => {
    const failure = classifyFailure(new Error('connect ECONNREFUSED 10.0.0.5:5432 (password=hunter2)'));

    expect(failure).toEqual({ code: 'RENDER_FAILED', message: 'The render failed', transient: true });
  });

  it('names the asset problem in the message the client sees', () => {
    expect(classifyFailure(new OutboundError('FETCH_FAILED', 'img.example answered HTTP 500')).message).toBe(
      'Artwork fetch failed: img.example answered HTTP 500',
    );
  });
});
