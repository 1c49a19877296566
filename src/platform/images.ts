import sharp from 'sharp';
import { UserError } from './errors.ts';

const ACCEPTED = new Set(['jpeg', 'png', 'webp', 'gif', 'avif', 'heif']);
/** Decompression-bomb guard: refuse images with more pixels than this before decoding them. */
const MAX_INPUT_PIXELS = 50_000_000;

export interface ProcessedImage {
  bytes: Uint8Array;
  extension: string;
  contentType: string;
  width: number;
  height: number;
}

/**
 * Checks that the bytes are an image of an accepted type (by content, not by name or declared
 * type), turns it upright, resizes it to fit `maxSize` (cropping to a square when asked) and
 * re-encodes it as WebP, which also drops EXIF data such as GPS positions.
 * `field` names the form field in errors.
 */
export async function processImage(
  bytes: Uint8Array,
  options: { field: string; maxSize: number; square?: boolean },
): Promise<ProcessedImage> {
  const notAnImage = UserError.field(options.field, 'Upload a JPEG, PNG, WebP, GIF or AVIF image.', 415, 'unsupported_type');
  let format: string | undefined;
  try {
    const metadata = await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS }).metadata();
    format = metadata.format;
    if ((metadata.width ?? 0) * (metadata.height ?? 0) > MAX_INPUT_PIXELS) {
      throw UserError.field(options.field, 'That image has too many pixels; upload one under 50 megapixels.', 413, 'too_large');
    }
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw notAnImage;
  }
  if (!format || !ACCEPTED.has(format)) throw notAnImage;
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS })
      .rotate()
      .resize(options.maxSize, options.maxSize, {
        fit: options.square ? 'cover' : 'inside',
        position: 'attention',
        withoutEnlargement: true,
      })
      .webp({ quality: 82 })
      .toBuffer({ resolveWithObject: true });
    return { bytes: data, extension: 'webp', contentType: 'image/webp', width: info.width, height: info.height };
  } catch {
    throw UserError.field(options.field, 'That image could not be read; it may be damaged. Try another file.', 422, 'unreadable_image');
  }
}
