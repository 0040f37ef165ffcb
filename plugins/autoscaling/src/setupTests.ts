import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// jsdom has no ResizeObserver; recharts' ResponsiveContainer needs one.
class ResizeObserverStub {
  observe() {}
  unobserve() {}
  disconnect() {}
}
(globalThis as any).ResizeObserver ??= ResizeObserverStub;

// Error states appear after react-query's one retry (about a second later); on a busy CI
// machine that can pass testing-library's 1 s default wait, so async queries wait longer.
configure({ asyncUtilTimeout: 5000 });
