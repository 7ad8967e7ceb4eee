// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, render, screen } from '@testing-library/react';
import { ReactFlowProvider } from '@xyflow/react';
import { buildTemplate } from '../../core/templates/index.js';
import { createEditorStore } from '../editor/editor-store.js';
import { errorHeatStops } from '../editor/heat.js';
import { EditorProvider } from '../react/editor-context.js';
import { HeatLegend } from './HeatLegend.js';

afterEach(cleanup);

describe('the heat legend on the canvas', () => {
  it('says what the colours mean for the overlay shown, and goes with it', () => {
    const store = createEditorStore(buildTemplate('lenet5')!);
    render(
      <EditorProvider store={store}>
        <ReactFlowProvider>
          <HeatLegend />
        </ReactFlowProvider>
      </EditorProvider>,
    );
    expect(screen.queryByTestId('heat-legend')).toBeNull();
    act(() => store.getState().setHeat({ n1: 1 }));
    expect(screen.getByTestId('heat-legend').textContent).toBe("Profile: share of the slowest layer's time0%50%100%");
    act(() => store.getState().setHeat({ n1: 0.75 }, { source: 'compare', title: 'Comparison: error', stops: errorHeatStops(2.5e-3), notes: {} }));
    expect(screen.getByTestId('heat-legend').getAttribute('data-source')).toBe('compare');
    expect(screen.getByTestId('heat-legend').textContent).toBe('Comparison: error≤ 2.5e-6tol 2.5e-3≥ 2.5e-2');
    act(() => store.getState().setHeat({}));
    expect(screen.queryByTestId('heat-legend')).toBeNull();
  });
});
