// What a render of the "try it" form will cost, shown before it is sent. The same rule as the
// gateway's (services/gateway/src/renders/credits-rule.ts), restated here so the browser bundle
// carries no server code; a gateway test checks the two agree size by size.

/** 1 credit per started 4 output megapixels, at least 1. */
export const MEGAPIXELS_PER_CREDIT = 4;

export interface RenderPrice {
  width: number;
  height: number;
  credits: number;
  /** The size asks for more pixels than the template has: they add no detail. */
  enlarged: boolean;
}

/** The output size and price for a longest side of `size` (the template's own when undefined). */
export function renderPrice(
  template: { width: number; height: number },
  size: number | undefined,
): RenderPrice {
  const longest = Math.max(template.width, template.height);
  const scale = size === undefined ? 1 : size / longest;
  const width = Math.max(1, Math.round(template.width * scale));
  const height = Math.max(1, Math.round(template.height * scale));
  return {
    width,
    height,
    credits: Math.max(1, Math.ceil((width * height) / (MEGAPIXELS_PER_CREDIT * 1_000_000))),
    enlarged: size !== undefined && size > longest,
  };
}

/** "1 credit" / "16 credits". */
export function creditsLabel(credits: number): string {
  return `${credits} ${credits === 1 ? 'credit' : 'credits'}`;
}
