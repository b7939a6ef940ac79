export * from './dataset.js';
export * from './months.js';
export * from './neighbourhood.js';
export { nextValue, pointsOf, valueForPoints, type PointsRule } from './points.js';
export * from './outlook.js';
export { rememberPlacesOf } from './places.js';
export * from './plan.js';
export {
  add as addRational,
  compare as compareRational,
  parseRational,
  rational,
  toDecimalText,
  toNumber as rationalToNumber,
  type Rational,
} from './rational.js';
export * from './schema.js';
export * from './score.js';
export * from './versions.js';
export * from './status.js';
export * from './forecast.js';
