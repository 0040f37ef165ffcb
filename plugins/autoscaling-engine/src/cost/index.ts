/**
 * Cost: prices, OpenCost-style allocation, the month accumulator, projections, savings,
 * budgets and spot advice. Pure functions over plain data.
 */
export * from './prices';
export * from './allocation';
export * from './accumulator';
export * from './projection';
export * from './savings';
export * from './budgets';
