// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { IterationsField } from './common.js';

afterEach(cleanup);

describe('IterationsField', () => {
  it('passes on whole numbers of at least 1: a fraction rounds, zero, a negative or a cleared field read as 1', () => {
    const seen: number[] = [];
    render(<IterationsField value={100} onChange={(n) => seen.push(n)} testId="iterations" />);
    const field = screen.getByTestId('iterations') as HTMLInputElement;
    expect(field.value).toBe('100');
    for (const typed of ['250', '7.6', '0', '-3', '']) fireEvent.change(field, { target: { value: typed } });
    expect(seen).toEqual([250, 8, 1, 1, 1]);
  });
});
