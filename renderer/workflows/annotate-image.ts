/**
 * Drawing detections: one colour per class, the label text, and the annotated picture as a PNG (the
 * image with its boxes and labels, at the image's own size) for "Save annotated PNG".
 */

/** Ultralytics' plotting palette, so boxes look as users know them from its tools. */
const PALETTE = [
  '#ff3838',
  '#ff9d97',
  '#ff701f',
  '#ffb21d',
  '#cff231',
  '#48f90a',
  '#92cc17',
  '#3ddb86',
  '#1a9334',
  '#00d4bb',
  '#2c99a8',
  '#00c2ff',
  '#344593',
  '#6473ff',
  '#0018ec',
  '#8438ff',
  '#520085',
  '#cb38ff',
  '#ff95c8',
  '#ff37c7',
];

export function classColour(index: number): string {
  return PALETTE[index % PALETTE.length]!;
}

/** What a box's label says: the class name and the score to two decimals, as ultralytics writes it. */
export function boxLabel(name: string, score: number): string {
  return `${name} ${score.toFixed(2)}`;
}

/** Label text height in image pixels: readable on small test images and on large photos alike. */
export function labelSize(width: number, height: number): number {
  return Math.max(11, Math.round(Math.max(width, height) / 40));
}

export interface DrawnBox {
  box: readonly [number, number, number, number];
  label: string;
  colour: string;
}

function loadPicture(url: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const picture = new Image();
    picture.onload = () => resolve(picture);
    picture.onerror = () => reject(new Error('the image could not be decoded'));
    picture.src = url;
  });
}

/** The image at `url` (width × height) with the boxes and their labels drawn, as a PNG data URL. */
export async function annotatedPng(url: string, width: number, height: number, boxes: readonly DrawnBox[]): Promise<string> {
  const picture = await loadPicture(url);
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const g = canvas.getContext('2d');
  if (!g) throw new Error('this browser cannot draw on a canvas');
  g.drawImage(picture, 0, 0, width, height);
  const size = labelSize(width, height);
  g.font = `${size}px sans-serif`;
  g.lineWidth = Math.max(2, Math.round(size / 6));
  for (const { box, label, colour } of boxes) {
    const [x1, y1, x2, y2] = box;
    g.strokeStyle = colour;
    g.strokeRect(x1, y1, x2 - x1, y2 - y1);
    // The label sits on the box's top edge, inside the image when the box touches the top.
    const textWidth = g.measureText(label).width + 6;
    const top = y1 - size - 4 >= 0 ? y1 - size - 4 : y1;
    g.fillStyle = colour;
    g.fillRect(x1, top, textWidth, size + 4);
    g.fillStyle = '#ffffff';
    g.textBaseline = 'top';
    g.fillText(label, x1 + 3, top + 2);
  }
  return canvas.toDataURL('image/png');
}
