export {
  type CovarianceType,
  type GaussianMixtureModel,
  type GaussianMixtureOptions,
  type GaussianMixtureResult,
  gaussianMixture,
  gaussianMixturePredict,
  parameterCount,
} from "./gmm.js";
