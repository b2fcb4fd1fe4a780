/**
 * How big an image may be once decoded (pure). Checked on the header's dimensions before any
 * pixel is decoded, so a small file that inflates to gigabytes (a decompression bomb) is refused
 * without the work.
 */
export const imageLimits = {
  /** 50 megapixels: more than phone cameras take, 200 MB of RGBA at most. */
  maxPixels: 50_000_000,
  maxSide: 16_384,
  /** Longest side of the two renditions made for every image. */
  thumbSide: 320,
  previewSide: 1280,
} as const;

/** Why an image of these dimensions is refused, or undefined when it is fine. */
export function imageProblem(width: number, height: number, frames = 1): string | undefined {
  if (width < 1 || height < 1) return 'the image has no dimensions';
  if (width > imageLimits.maxSide || height > imageLimits.maxSide)
    return `the image is ${width}x${height} pixels; each side may be at most ${imageLimits.maxSide}`;
  if (width * height * frames > imageLimits.maxPixels)
    return `the image has ${width * height * frames} pixels in all; at most ${imageLimits.maxPixels}`;
  return undefined;
}

/** EXIF orientations 5-8 turn the picture a quarter: width and height change places. */
export function oriented(width: number, height: number, orientation: number | undefined) {
  return orientation !== undefined && orientation >= 5 ? { width: height, height: width } : { width, height };
}
