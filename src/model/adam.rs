//! Adam with PyTorch's coupled weight decay (the L2 term is added to the gradient, not AdamW).

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdamConfig {
    pub lr: f64,
    pub betas: (f64, f64),
    pub eps: f64,
    pub weight_decay: f64,
}

impl Default for AdamConfig {
    /// The seed's optimiser: lr 0.03, betas (0.9, 0.999), eps 1e-8, weight decay 1e-4.
    fn default() -> AdamConfig {
        AdamConfig {
            lr: 0.03,
            betas: (0.9, 0.999),
            eps: 1e-8,
            weight_decay: 1e-4,
        }
    }
}

/// First and second moment estimates for a list of tensors, each seen as a flat slice.
#[derive(Clone, Debug)]
pub struct Adam {
    pub config: AdamConfig,
    steps: i32,
    m: Vec<Vec<f64>>,
    v: Vec<Vec<f64>>,
}

impl Adam {
    pub fn new(config: AdamConfig, sizes: &[usize]) -> Adam {
        let zeros = || sizes.iter().map(|&n| vec![0.0; n]).collect();
        Adam {
            config,
            steps: 0,
            m: zeros(),
            v: zeros(),
        }
    }

    /// One step on every tensor: p -= lr * m_hat / (sqrt(v_hat) + eps), with g = grad + wd * p.
    pub fn step(&mut self, params: &mut [&mut [f64]], grads: &[&[f64]]) {
        let AdamConfig {
            lr,
            betas: (beta1, beta2),
            eps,
            weight_decay,
        } = self.config;
        self.steps += 1;
        let correction1 = 1.0 - beta1.powi(self.steps);
        let correction2 = 1.0 - beta2.powi(self.steps);
        for (k, (param, grad)) in params.iter_mut().zip(grads).enumerate() {
            for (i, (p, &g)) in param.iter_mut().zip(grad.iter()).enumerate() {
                let g = g + weight_decay * *p;
                let m = &mut self.m[k][i];
                let v = &mut self.v[k][i];
                *m = beta1 * *m + (1.0 - beta1) * g;
                *v = beta2 * *v + (1.0 - beta2) * g * g;
                *p -= lr * (*m / correction1) / ((*v / correction2).sqrt() + eps);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_step_moves_each_parameter_by_lr_against_its_gradient_sign() {
        // With bias correction, step one is lr * g / (|g| + eps) whatever the gradient's size.
        let mut adam = Adam::new(
            AdamConfig {
                weight_decay: 0.0,
                ..Default::default()
            },
            &[3],
        );
        let mut p = vec![1.0, 1.0, 1.0];
        adam.step(&mut [&mut p], &[&[5.0, -0.01, 0.0]]);
        assert!((p[0] - 0.97).abs() < 1e-9 && (p[1] - 1.03).abs() < 1e-6 && p[2] == 1.0);
    }
}
