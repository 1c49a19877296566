import { type ProcessedImage, processImage } from '../platform/images.ts';

export type ProcessedPhoto = ProcessedImage;
export const PHOTO_SIZE = 512;

/** A profile photo: square, at most 512×512, WebP, without EXIF. */
export function processPhoto(bytes: Uint8Array): Promise<ProcessedPhoto> {
  return processImage(bytes, { field: 'photo', maxSize: PHOTO_SIZE, square: true });
}
