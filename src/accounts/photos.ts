import { type ProcessedImage, processImage } from '../platform/images.ts';

export type ProcessedPhoto = ProcessedImage;
export const PHOTO_SIZE = 512;

/** A profile photo: square, at most 512×512, WebP, without EXIF. */
export function processPhoto(bytes: Uint8Array): Promise<ProcessedPhoto> {
  return processImage(bytes, { field: 'photo', maxSize: PHOTO_SIZE, square: true });
}

/** A size for people: "1.5 MB", "300 KB". */
export function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB` : `${Math.round(bytes / 1024)} KB`;
}
