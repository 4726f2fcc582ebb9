"""course_utils.inside and inside_figures: known answers for feature maps, Grad-CAM, occlusion."""

from __future__ import annotations

import keras
import numpy as np
import pytest
from matplotlib.figure import Figure

import course_utils  # noqa: F401 - quiets TensorFlow before keras is imported
from course_utils import inside, inside_figures

SIZE = 32
# The bright object: rows 20–27, columns 4–11 (lower left, away from the centre).
OBJECT = (slice(20, 28), slice(4, 12))


def object_image() -> np.ndarray:
    """A dark 32×32 grey image with one bright 8×8 square in the lower left."""
    image = np.zeros((SIZE, SIZE, 1), dtype=np.uint8)
    image[OBJECT] = 255
    return image


def object_mask() -> np.ndarray:
    mask = np.zeros((SIZE, SIZE), dtype=bool)
    mask[OBJECT] = True
    return mask


def detector_layers(augment: bool = False) -> list[keras.layers.Layer]:
    """Layers of a model whose convolution responds only to bright pixels.

    The 3×3 averaging kernel with bias −0.6 gives 0 on black and on the grey
    occlusion patch (0.5 − 0.6 < 0, cut by the ReLU) and 0.4 on the white
    object; class 1 ("object") grows with the average response.
    """
    conv = keras.layers.Conv2D(1, 3, padding="same", activation="relu", name="detector",
                               kernel_initializer=keras.initializers.Constant(1 / 9),
                               bias_initializer=keras.initializers.Constant(-0.6))
    dense = keras.layers.Dense(2, activation="softmax", name="head",
                               kernel_initializer=keras.initializers.Constant([[-20.0, 20.0]]),
                               bias_initializer="zeros")
    aug = [keras.layers.RandomFlip("horizontal"),
           keras.layers.RandomTranslation(0.2, 0.2)] if augment else []
    return [keras.layers.Rescaling(1 / 255), *aug, conv,
            keras.layers.GlobalAveragePooling2D(), dense]


def sequential_detector(augment: bool = False) -> keras.Model:
    return keras.Sequential([keras.Input((SIZE, SIZE, 1), dtype="uint8"),
                             *detector_layers(augment)])


def functional_detector() -> keras.Model:
    inputs = keras.Input((SIZE, SIZE, 1), dtype="uint8")
    x = inputs
    for layer in detector_layers():
        x = layer(x)
    return keras.Model(inputs, x)


@pytest.mark.parametrize("build", [sequential_detector, functional_detector],
                         ids=["sequential", "functional"])
def test_grad_cam_puts_its_heat_on_the_object(build) -> None:
    model = build()
    heat = inside.grad_cam(model, object_image()[np.newaxis], class_index=1)
    assert heat.shape == (1, SIZE, SIZE) and heat.dtype == np.float32
    assert heat.min() >= 0 and heat.max() == pytest.approx(1.0)
    share = inside.heat_share(heat, object_mask())[0]
    # The object is 64 of 1024 pixels (6%); the map is bilinear, so a little spills over.
    assert share > 0.8
    # The predicted class is "object" here, so class_index=None gives the same map.
    np.testing.assert_allclose(inside.grad_cam(model, object_image()[np.newaxis]), heat,
                               atol=1e-6)


def test_grad_cam_with_augmentation_inside_is_deterministic() -> None:
    """Augmentation layers are off (training=False): the map equals the plain model's."""
    plain, augmented = sequential_detector(), sequential_detector(augment=True)
    batch = object_image()[np.newaxis]
    first = inside.grad_cam(augmented, batch, 1)
    np.testing.assert_allclose(first, inside.grad_cam(augmented, batch, 1), atol=1e-6)
    np.testing.assert_allclose(first, inside.grad_cam(plain, batch, 1), atol=1e-6)


def test_grad_cam_class_per_image_and_evidence_against() -> None:
    model = sequential_detector()
    batch = np.stack([object_image(), object_image()])
    heat = inside.grad_cam(model, batch, class_index=[1, 0])
    assert heat[0].max() == pytest.approx(1.0)
    # Class 0 ("no object") has only evidence against it in the detector's maps: all zero.
    assert heat[1].max() == 0.0


def test_grad_cam_accepts_float_images_and_small_batches() -> None:
    model = sequential_detector()
    batch = np.stack([object_image()] * 5).astype(np.float32)
    heat = inside.grad_cam(model, batch, 1, batch_size=2)
    assert heat.shape == (5, SIZE, SIZE)
    np.testing.assert_allclose(heat[0], heat[4], atol=1e-6)


def test_occlusion_map_puts_its_mass_on_the_object() -> None:
    model = sequential_detector()
    drop = inside.occlusion_map(model, object_image(), 1, patch=6, stride=2)
    assert drop.shape == (SIZE, SIZE) and drop.dtype == np.float32
    positive = np.clip(drop, 0, None)
    # The object is 6% of the image; patches that cover part of it also cover its
    # surroundings, so some of the drop spills up to 6 pixels around it.
    assert inside.heat_share(positive, object_mask())[0] > 0.5
    assert object_mask()[np.unravel_index(np.argmax(drop), drop.shape)]
    # Pixels no patch can share with the object: the grey patch changes nothing there.
    far = np.ones((SIZE, SIZE), bool)
    far[20 - 6:28 + 6, 0:12 + 6] = False  # the patch, and one more for the 3×3 kernel
    assert abs(drop[far]).max() < 1e-6
    assert drop[OBJECT].max() > 0.05


def test_feature_maps_match_numpy() -> None:
    """A Conv2D with a hand-set kernel and no padding computes NumPy's cross-correlation."""
    rng = np.random.default_rng(0)
    image = rng.integers(0, 256, size=(6, 6, 1), dtype=np.uint8)
    kernel = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]], dtype=np.float32)
    model = keras.Sequential([
        keras.Input((6, 6, 1)),  # float32: the uint8 image is converted on the way in
        keras.layers.Conv2D(1, 3, use_bias=False, name="edges",
                            kernel_initializer=keras.initializers.Constant(
                                kernel[:, :, np.newaxis, np.newaxis])),
    ])
    maps = inside.feature_maps(model, image, "edges")
    grey = image[..., 0].astype(np.float32)
    expected = np.array([[(grey[r:r + 3, c:c + 3] * kernel).sum() for c in range(4)]
                         for r in range(4)])
    assert maps.shape == (4, 4, 1)
    np.testing.assert_allclose(maps[..., 0], expected, rtol=1e-5)
    assert inside.conv_layers(model) == ["edges"]


def test_clear_errors() -> None:
    model = sequential_detector()
    with pytest.raises(ValueError, match="no layer called 'conv9'.*detector"):
        inside.grad_cam(model, object_image()[np.newaxis], layer="conv9")
    dense = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="no convolution layer"):
        inside.conv_layers(dense)
    with pytest.raises(ValueError, match="one image.*images\\[np.newaxis\\]"):
        inside.grad_cam(model, object_image())
    with pytest.raises(ValueError, match="shape \\(32, 32, 1\\).*resize"):
        inside.grad_cam(model, np.zeros((1, 28, 28, 1), np.uint8))
    with pytest.raises(TypeError, match="dtype bool"):
        inside.grad_cam(model, np.zeros((1, SIZE, SIZE, 1), bool))
    with pytest.raises(ValueError, match="a batch\\? pass images\\[i\\]"):
        inside.feature_maps(model, np.zeros((2, SIZE, SIZE, 1), np.uint8), "detector")
    with pytest.raises(ValueError, match="not maps"):
        inside.feature_maps(model, object_image(), "head")
    with pytest.raises(ValueError, match="larger than the image"):
        inside.occlusion_map(model, object_image(), 1, patch=40)


def test_heat_share_and_border_mask() -> None:
    mask = inside.border_mask(32, 32, 4)
    assert mask.sum() == 32 * 32 - 24 * 24
    flat = np.ones((2, 32, 32))
    np.testing.assert_allclose(inside.heat_share(flat, mask), mask.mean())
    assert np.isnan(inside.heat_share(np.zeros((32, 32)), mask)[0])
    with pytest.raises(ValueError, match="do not match"):
        inside.heat_share(flat, mask[:10])
    with pytest.raises(ValueError, match="does not fit"):
        inside.border_mask(8, 8, 4)


def test_figures_return_figures() -> None:
    model = sequential_detector()
    image = object_image()
    assert isinstance(inside_figures.plot_filters(model), Figure)
    maps = inside.feature_maps(model, image, "detector")
    fig = inside_figures.plot_feature_maps(maps, image=image, title="maps")
    assert fig.get_suptitle() == "maps"
    heat = inside.grad_cam(model, np.stack([image, image]), 1)
    fig = inside_figures.plot_heatmaps(np.stack([image, image]), heat, [1, 0],
                                       np.array([[0.1, 0.9], [0.2, 0.8]]), ["none", "object"])
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles == ["object → object", "none → object"]
    fig = inside_figures.plot_kernel_outputs(image[..., 0], [maps[..., 0]], ["detector"])
    assert [ax.get_title() for ax in fig.axes][1] == "detector 32×32"
    with pytest.raises(ValueError, match="need heatmaps of shape"):
        inside_figures.plot_heatmaps(np.stack([image, image]), heat[:1])
    with pytest.raises(ValueError, match="not a convolution layer"):
        inside_figures.plot_filters(model, "head")
