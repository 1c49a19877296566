import sharp from 'sharp';
import { UserError } from '../platform/errors.ts';

const ACCEPTED = new Set(['jpeg', 'png', 'webp', 'gif', 'avif', 'heif']);
/** Decompression-bomb guard: refuse images with more pixels than this before decoding them. */
const MAX_INPUT_PIXELS = 50_000_000;
export const PHOTO_SIZE = 512;

/**
 * Checks that the bytes are an image of an accepted type (by content, not by name), then
 * turns it upright, crops it square, resizes it to at most 512×512 and re-encodes it as WebP,
 * which also drops EXIF data such as GPS positions.
 */
export interface ProcessedPhoto {
  bytes: Uint8Array;
  extension: string;
  width: number;
  height: number;
}

export async function processPhoto(bytes: Uint8Array): Promise<ProcessedPhoto> {
  const notAnImage = UserError.field('photo', 'Upload a JPEG, PNG, WebP, GIF or AVIF image.', 415, 'unsupported_type');
  let format: string | undefined;
  try {
    const metadata = await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS }).metadata();
    format = metadata.format;
    if ((metadata.width ?? 0) * (metadata.height ?? 0) > MAX_INPUT_PIXELS) {
      throw UserError.field('photo', 'That image has too many pixels; upload one under 50 megapixels.', 413, 'too_large');
    }
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw notAnImage;
  }
  if (!format || !ACCEPTED.has(format)) throw notAnImage;
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS })
      .rotate()
      .resize(PHOTO_SIZE, PHOTO_SIZE, { fit: 'cover', position: 'attention', withoutEnlargement: true })
      .webp({ quality: 82 })
      .toBuffer({ resolveWithObject: true });
    return { bytes: data, extension: 'webp', width: info.width, height: info.height };
  } catch {
    throw UserError.field('photo', 'That image could not be read; it may be damaged. Try another file.', 422, 'unreadable_image');
  }
}
