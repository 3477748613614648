import io

from PIL import Image, ImageDraw, ImageFilter

from moderation.signals.neardup import band_keys, hamming, signature, similarity, simhash
from moderation.signals.photohash import photo_hash, photo_distance, same_photo

TEMPLATE = "宝贝收到了，质量非常好，物流非常快，客服态度非常好，五星好评，下次还来买，推荐给大家"


def test_templated_reviews_are_near_duplicates():
    variant = TEMPLATE.replace("下次还来买", "下次还会来买") + "！！"
    other = "鞋底太硬了，穿了两天脚疼，尺码也偏小半码，不太推荐"
    a, b, c = signature(TEMPLATE), signature(variant), signature(other)
    assert similarity(a, b) >= 0.7
    assert similarity(a, c) < 0.2
    assert set(band_keys(a)) & set(band_keys(b))
    assert not set(band_keys(a)) & set(band_keys(c))
    assert hamming(simhash(TEMPLATE), simhash(variant)) < hamming(simhash(TEMPLATE), simhash(other))


def test_evasions_do_not_hide_a_template():
    assert similarity(signature("加微信 abc123 领优惠券"), signature("加薇❤ abc123 领优惠券")) == 1.0


def _photo():
    image = Image.new("RGB", (256, 256), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((30, 40, 150, 200), fill="navy")
    draw.ellipse((120, 20, 240, 140), fill="orange")
    return image


def test_a_reencoded_resized_photo_is_the_same_photo():
    original = photo_hash(_photo())
    buffer = io.BytesIO()
    _photo().resize((180, 180)).filter(ImageFilter.GaussianBlur(1)).save(buffer, format="JPEG", quality=60)
    assert same_photo(original, photo_hash(buffer.getvalue()))
    different = Image.new("RGB", (256, 256), "white")
    ImageDraw.Draw(different).rectangle((100, 0, 256, 90), fill="green")
    assert photo_distance(original, photo_hash(different)) > 8
